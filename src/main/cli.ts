#!/usr/bin/env node
// First, before any other module allocates: caps V8's young generation (see memory.ts).
import './memory.js';
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { ConfigError, loadConfig, workerCount, type Config } from '../adapters/config/config.js';
import { generateKeyFile } from '../adapters/security/generateKeyFile.js';
import type { AsymmetricAlg } from '../adapters/security/signingKeys.js';
import {
  migrateLatest,
  migrateRollback,
  migrationStatus,
} from '../adapters/persistence/knex/migrations/index.js';
import { formatIso8601 } from '../adapters/http/presentation.js';
import {
  DomainError,
  MAX_PER_PAGE,
  OPERATOR,
  type RequestOrigin,
  type User,
} from '../domain/index.js';
import { runCluster } from './cluster.js';
import { clusterScrapeSource, listenForScrapes } from '../adapters/metrics/metricsListener.js';
import { buildContainer, TOKENS } from './container.js';
import { promptHidden, readStdin } from './prompt.js';
import { createLogger, localUrl, startServer } from './server.js';

/** One line for the operator: no stack, no secret, the fields that failed. */
function reason(error: unknown): string {
  // Messages may echo the operator's input (an email with a line break in it): keep one line.
  return describe(error).replace(/\s*[\r\n]+\s*/g, ' ');
}

function describe(error: unknown): string {
  if (error instanceof DomainError && error.details.fields) {
    return Object.values(error.details.fields).join('; ');
  }
  if (error instanceof DomainError || error instanceof ConfigError) return error.message;
  if (error instanceof Error) return error.message.split('\n')[0] ?? 'failed';
  return String(error);
}

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

/** Runs a command against the database, closing the pool whatever happens. */
async function withDatabase<T>(
  task: (container: ReturnType<typeof buildContainer>, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const container = buildContainer(config, commandLogger(config), auditLogger(config));
  const knex = container.get<Knex>(TOKENS.Knex);
  try {
    await migrateLatest(knex); // as `serve` does: admin commands work on a fresh database
    return await task(container, config);
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

function keyAlg(value: string): AsymmetricAlg {
  const alg = (['EdDSA', 'ES256'] as const).find((a) => a.toLowerCase() === value.toLowerCase());
  if (alg === undefined) throw new InvalidArgumentError('expected EdDSA or ES256');
  return alg;
}

/** package.json's version: two levels up from src/main and dist/main alike. */
function packageVersion(): string {
  const manifest: unknown = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  );
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

const program = new Command('gatehouse')
  .description('User accounts and JWT authentication with admin-guarded widgets.')
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .helpOption('-h, --help', 'show what the command does and its options')
  .showHelpAfterError(false)
  .configureOutput({ outputError: (text, write) => write(text.split('\n')[0] + '\n') });

program
  .command('serve')
  .description('run the HTTP server (applies pending migrations first)')
  .option(
    '--workers <count>',
    'processes serving requests, a number or auto (one per core); default WEB_CONCURRENCY, else 1',
    workersOption,
  )
  .action(async (options: { workers?: number }) => {
    const loaded = loadConfig();
    // The option wins over WEB_CONCURRENCY; the workers, re-running this command, see it too.
    const config: Config = { ...loaded, workers: options.workers ?? loaded.workers };
    const { workers } = config;
    if (workers > 1 && cluster.isPrimary) {
      const logger = createLogger(config);
      if (config.generatedSecret) {
        logger.warn('JWT_SECRET is not set: using a random secret; tokens end with this process');
      }
      // The primary answers scrapes with the sum over its workers (none listens itself).
      const scrapes =
        config.metricsPort === null
          ? null
          : await listenForScrapes(clusterScrapeSource(), config.host, config.metricsPort);
      if (scrapes !== null) {
        logger.info({ url: `${scrapes.url}/metrics` }, 'Prometheus metrics served');
      }
      const code = await runCluster({
        workers,
        logger,
        // Every worker must verify the others' tokens: one generated secret for all of them.
        workerEnv: config.generatedSecret ? { JWT_SECRET: config.jwtSecret } : {},
        urlOf: (address) => localUrl(config.host, address.port),
        listeningFields: { env: config.env },
      });
      await scrapes?.close();
      process.exit(code);
    }
    await serve(config);
  });

/**
 * Serves in this process: the whole service with one worker, or one worker of several (its log
 * lines then name it). SIGTERM/SIGINT stop accepting, finish in-flight requests and exit 0.
 */
async function serve(config: Config): Promise<void> {
  const worker = cluster.worker;
  // The access log, one line per request: batched per event-loop turn, flushed on exit.
  const root = createLogger(config, { batched: true });
  const logger = worker === undefined ? root : root.child({ worker: worker.id, pid: process.pid });
  if (config.generatedSecret && worker === undefined) {
    logger.warn('JWT_SECRET is not set: using a random secret; tokens end with this process');
  }
  const running = await startServer(config, logger);
  const message = worker === undefined ? 'Gatehouse listening on' : 'worker listening on';
  logger.info({ url: running.url, env: config.env }, `${message} ${running.url}`);
  if (running.metricsUrl !== null) {
    logger.info({ url: `${running.metricsUrl}/metrics` }, 'Prometheus metrics served');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // Handled every time, not once: a terminal's Ctrl-C reaches the whole process group and npm
  // passes it on as well, so the same signal often arrives twice. With `once`, the second would
  // find no listener and kill the process mid-drain (the shutdown is bounded by its own grace).
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function workersOption(value: string): number {
  try {
    return workerCount('--workers', value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(reason.replace(/^--workers must be/, 'expected'));
  }
}

program
  .command('migrate')
  .description('apply (latest), undo the last batch (rollback) or list (status) migrations')
  .argument('[action]', 'latest | rollback | status', migrateAction, 'latest')
  .action(async (action: 'latest' | 'rollback' | 'status') => {
    const config = loadConfig();
    const container = buildContainer(config, commandLogger(config));
    const knex = container.get<Knex>(TOKENS.Knex);
    try {
      if (action === 'status') {
        const { completed, pending } = await migrationStatus(knex);
        for (const name of completed) console.log(`applied  ${name}`);
        for (const name of pending) console.log(`pending  ${name}`);
      } else {
        const names = action === 'latest' ? await migrateLatest(knex) : await migrateRollback(knex);
        const verb = action === 'latest' ? 'applied' : 'rolled back';
        console.log(names.length > 0 ? `${verb}: ${names.join(', ')}` : `nothing to do`);
      }
    } finally {
      await knex.destroy();
    }
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
      ...rows.map((row) => [row.email, row.public_id, row.admin ? 'yes' : 'no', row.registered_on]),
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

program
  .command('keys')
  .description('manage the key pairs that sign tokens with JWT_ALG=EdDSA or ES256')
  .command('generate')
  .description('write a new private key file (mode 0600) into the current directory')
  .requiredOption('--alg <alg>', 'EdDSA | ES256', keyAlg)
  .action(async (options: { alg: AsymmetricAlg }) => {
    console.log(await generateKeyFile(options.alg, process.cwd()));
  });

program.exitOverride();

try {
  await program.parseAsync();
} catch (error) {
  const code = (error as { code?: unknown }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(0);
  if (typeof code !== 'string' || !code.startsWith('commander.')) {
    process.stderr.write(`gatehouse: ${reason(error)}\n`);
  }
  process.exit(1);
}
