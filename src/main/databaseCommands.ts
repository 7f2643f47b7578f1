import { InvalidArgumentError, type Command } from 'commander';
import type { Container } from 'inversify';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { loadConfig, type Config } from '../adapters/config/config.js';
import { formatIso8601 } from '../adapters/http/presentation.js';
import {
  migrateLatest,
  migrateRollback,
  migrationStatus,
} from '../adapters/persistence/knex/migrations/index.js';
import { MAX_PER_PAGE, OPERATOR, type RequestOrigin, type User } from '../domain/index.js';
import { buildContainer, TOKENS } from './container.js';
import { promptHidden, readStdin } from './prompt.js';
import { createLogger } from './server.js';

/** Admin commands speak in plain lines; their failures are the one line on stderr. */
function commandLogger(config: Config) {
  return createLogger({ ...config, logLevel: 'error' });
}

/**
 * The audit lines of account commands: JSON on stderr, at `info` like the server's (so LOG_LEVEL
 * above info drops them), apart from the plain lines on stdout. Written synchronously: the
 * command may exit right after.
 */
function auditLogger(config: Config) {
  return pino(
    { level: config.logLevel, base: { service: 'gatehouse' } },
    pino.destination({ dest: 2, sync: true }),
  );
}

/** A command line has no request id and no client address. */
const CLI_ORIGIN: RequestOrigin = { requestId: null, clientAddress: null };

/**
 * Runs a command against the database, closing the pool whatever happens. Pending migrations are
 * applied first, as `serve` does, so admin commands work on a fresh database; `migrate` itself
 * passes `migrated: false`.
 */
async function withDatabase<T>(
  task: (container: Container, knex: Knex) => Promise<T>,
  { migrated = true } = {},
): Promise<T> {
  const config = loadConfig();
  const container = buildContainer(config, commandLogger(config), auditLogger(config));
  const knex = container.get(TOKENS.Knex);
  try {
    if (migrated) await migrateLatest(knex);
    return await task(container, knex);
  } finally {
    await knex.destroy();
  }
}

async function newPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  if (!process.stdin.isTTY) {
    throw new Error('no terminal to ask for the password on: use --password-stdin');
  }
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new Error('the passwords do not match');
  return first;
}

function migrateAction(value: string): 'latest' | 'rollback' | 'status' {
  if (value === 'latest' || value === 'rollback' || value === 'status') return value;
  throw new InvalidArgumentError('expected latest, rollback or status');
}

/** The commands that work on the database: migrations, accounts and maintenance. */
export function addDatabaseCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply (latest), undo the last batch (rollback) or list (status) migrations')
    .argument('[action]', 'latest | rollback | status', migrateAction, 'latest')
    .action(async (action: 'latest' | 'rollback' | 'status') => {
      const lines = await withDatabase(
        async (_, knex) => {
          if (action === 'status') {
            const { completed, pending } = await migrationStatus(knex);
            return [
              ...completed.map((name) => `applied  ${name}`),
              ...pending.map((name) => `pending  ${name}`),
            ];
          }
          const names =
            action === 'latest' ? await migrateLatest(knex) : await migrateRollback(knex);
          const verb = action === 'latest' ? 'applied' : 'rolled back';
          return [names.length > 0 ? `${verb}: ${names.join(', ')}` : `nothing to do`];
        },
        { migrated: false },
      );
      for (const line of lines) console.log(line);
    });

  program
    .command('add-user')
    .description('create an account (prompts twice for the password on a terminal)')
    .argument('<email>')
    .option('--admin', 'give the account admin rights', false)
    .option('--password-stdin', 'read the password from standard input', false)
    .action(async (email: string, options: { admin: boolean; passwordStdin: boolean }) => {
      const password = await newPassword(options.passwordStdin);
      const user = await withDatabase((c) =>
        c.get(TOKENS.AddUser).execute({ email, password, admin: options.admin }, CLI_ORIGIN),
      );
      console.log(`added ${user.email}${user.admin ? ' (admin)' : ''}, public id ${user.publicId}`);
    });

  program
    .command('set-admin')
    .description('grant (--on) or withdraw (--off) admin rights')
    .argument('<email>')
    .option('--on', 'grant admin rights')
    .option('--off', 'withdraw admin rights')
    .action(async (email: string, options: { on?: boolean; off?: boolean }) => {
      if (Boolean(options.on) === Boolean(options.off)) {
        throw new Error('say exactly one of --on or --off');
      }
      const admin = Boolean(options.on);
      const user = await withDatabase((c) =>
        c.get(TOKENS.ChangeAdminRights).execute(OPERATOR, { email }, admin, CLI_ORIGIN),
      );
      console.log(`${user.email} is ${admin ? 'now' : 'no longer'} an admin`);
    });

  program
    .command('delete-user')
    .description('delete an account (not the last admin, nor one that owns widgets)')
    .argument('<email>')
    .action(async (email: string) => {
      const user = await withDatabase((c) =>
        c.get(TOKENS.DeleteUser).execute(OPERATOR, { email }, CLI_ORIGIN),
      );
      console.log(`deleted ${user.email}, public id ${user.publicId}`);
    });

  program
    .command('list-users')
    .description('list every account, oldest first: email, public id, admin, registered (UTC)')
    .option('--json', 'one JSON array instead of a table', false)
    .action(async (options: { json: boolean }) => {
      const users = await withDatabase(async (c) => {
        const listUsers = c.get(TOKENS.ListUsers);
        const all: User[] = [];
        for (let page = 1; ; page += 1) {
          const listing = await listUsers.execute(OPERATOR, { page, perPage: MAX_PER_PAGE });
          all.push(...listing.items);
          if (page * MAX_PER_PAGE >= listing.total || listing.items.length === 0) return all;
        }
      });
      const rows = users.map((user) => ({
        email: user.email,
        public_id: user.publicId,
        admin: user.admin,
        registered_on: formatIso8601(user.registeredOn),
      }));
      if (options.json) {
        console.log(JSON.stringify(rows));
        return;
      }
      const header = ['EMAIL', 'PUBLIC ID', 'ADMIN', 'REGISTERED'];
      const table = [
        header,
        ...rows.map((row) => [
          row.email,
          row.public_id,
          row.admin ? 'yes' : 'no',
          row.registered_on,
        ]),
      ];
      const widths = header.map((_, column) =>
        Math.max(...table.map((cells) => (cells[column] ?? '').length)),
      );
      for (const cells of table) {
        const padded = cells.map((cell, column) => cell.padEnd(widths[column] ?? 0));
        console.log(padded.join('  ').trimEnd());
      }
    });

  program
    .command('purge-revoked')
    .description('delete revocations and refresh tokens that have expired')
    .action(async () => {
      const purged = await withDatabase((c) => c.get(TOKENS.PurgeRevokedTokens).execute());
      const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
      console.log(
        `purged ${count(purged.revocations, 'expired revocation')}` +
          ` and ${count(purged.refreshTokens, 'expired refresh token')}`,
      );
    });
}
