import {
  spawn,
  spawnSync,
  type ChildProcessWithoutNullStreams,
  type SpawnOptionsWithoutStdio,
} from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { toBoolean } from '../../../src/adapters/persistence/knex/columns.js';
import { createKnex } from '../../../src/adapters/persistence/knex/createKnex.js';
import {
  migrateLatest,
  migrationSource,
} from '../../../src/adapters/persistence/knex/migrations/index.js';
import { KnexRefreshTokens } from '../../../src/adapters/persistence/knex/KnexRefreshTokens.js';
import { SystemClock } from '../../../src/adapters/clock/SystemClock.js';
import { BcryptPasswordHasher } from '../../../src/adapters/security/BcryptPasswordHasher.js';
import { expect } from '../../support/chai.js';
import { POOL_THREAD, threadsOf } from '../../support/threads.js';
import { connectionOutcome, holdRequest } from '../../support/wire.js';
import { listTables, resolvePostgresUrl, sqliteUrl } from '../../support/databases.js';
import { request, startTestServer, TEST_SECRET } from '../../support/server.js';

// The CLI as an operator runs it: `node --import tsx src/main/cli.ts …`, in a directory of its
// own (loadConfig reads ./.env from the working directory), with nothing inherited but PATH.
const CLI = fileURLToPath(new URL('../../../src/main/cli.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
const CHILD_TIMEOUT_MS = 60_000;
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
const POSTGRES_START_TIMEOUT_MS = 180_000;

const PASSWORD_RULE = 'Password must be at least 8 characters and at most 72 bytes';
const ONE_FLAG = 'gatehouse: say exactly one of --on or --off';

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

type Exit = [code: number | null, signal: NodeJS.Signals | null];

/** One pino line of `serve`'s stdout. */
interface LogEntry {
  msg: string;
  [field: string]: unknown;
}

interface ServingCli {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** Settles when the process has exited and its output is complete. */
  exit: Promise<Exit>;
  logs(): LogEntry[];
  stdout(): string;
  stderr(): string;
  waitForLog(what: string, found: (entry: LogEntry) => boolean): Promise<LogEntry>;
}

interface UserRow {
  public_id: string;
  email: string;
  password_hash: string;
  admin: unknown;
}

let workDir: string | undefined;
const children = new Set<ChildProcessWithoutNullStreams>();

function cwd(): string {
  workDir ??= mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  return workDir;
}

/** The child's whole environment: test defaults, then overrides (undefined removes a variable). */
function cliEnv(
  databaseUrl: string,
  overrides: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    SYSTEMROOT: process.env.SYSTEMROOT,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

function launch(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  directory = cwd(),
): ChildProcessWithoutNullStreams {
  const options: SpawnOptionsWithoutStdio = { cwd: directory, env, stdio: 'pipe' };
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], options);
  children.add(child);
  child.once('close', () => children.delete(child));
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdin.on('error', () => undefined); // the child may exit without reading its input
  return child;
}

/** Resolves once the child has exited and closed its output; kills it after the timeout. */
function exited(child: ChildProcessWithoutNullStreams, what: string): Promise<Exit> {
  const exit = new Promise<Exit>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not exit within ${CHILD_TIMEOUT_MS} ms`));
    }, CHILD_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve([code, signal]);
    });
  });
  exit.catch(() => undefined); // reported to whoever awaits it; never an unhandled rejection
  return exit;
}

/** Runs `gatehouse <args>` to completion, with `stdin` as its whole standard input. */
async function gatehouse(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; stdin?: string; cwd?: string },
): Promise<CliRun> {
  const child = launch(args, options.env, options.cwd);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.stdin ?? '');
  const [code, signal] = await exited(child, `gatehouse ${args.join(' ')}`);
  return { code, signal, stdout, stderr };
}

/** Starts `gatehouse serve` and waits for its "listening" log line. */
async function serve(env: NodeJS.ProcessEnv, options: string[] = []): Promise<ServingCli> {
  const child = launch(['serve', ...options], env);
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exit = exited(child, 'gatehouse serve');
  let ended = false;
  void exit.finally(() => (ended = true)).catch(() => undefined);

  const logs = () =>
    lines(stdout.slice(0, stdout.lastIndexOf('\n') + 1)).map(
      (line) => JSON.parse(line) as LogEntry,
    );
  const waitForLog = async (what: string, found: (entry: LogEntry) => boolean) => {
    const deadline = Date.now() + CHILD_TIMEOUT_MS;
    for (;;) {
      const entry = logs().find(found);
      if (entry !== undefined) return entry;
      if (ended || Date.now() > deadline) {
        throw new Error(
          `gatehouse serve did not log ${what}\nstdout: ${stdout}\nstderr: ${stderr}`,
        );
      }
      await sleep(20);
    }
  };
  const listening = await waitForLog('that it listens', (entry) =>
    entry.msg.includes('Gatehouse listening on'),
  );
  return {
    child,
    url: String(listening.url),
    exit,
    logs,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForLog,
  };
}

/** A GET on a connection of its own (`Connection: close`), so each can reach another worker. */
function getOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const get = httpRequest(url, { agent: false, headers: { Connection: 'close' } }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    get.once('error', reject);
    get.end();
  });
}

/** The pids of a process's children, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) {
        children.push(Number(entry));
      }
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** Whether a process with this pid still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The lines of an output, without the final newline. */
function lines(output: string): string[] {
  return output === '' ? [] : output.replace(/\n$/, '').split('\n');
}

function shown(run: CliRun): string {
  return `exit ${run.code} (${run.signal})\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

function expectSuccess(run: CliRun, stdout: string[]): void {
  expect(run.code, shown(run)).to.equal(0);
  expect(lines(run.stdout), shown(run)).to.deep.equal(stdout);
  expect(run.stderr, shown(run)).to.equal('');
}

/** Exit 1, nothing on stdout, exactly `expected` (one line, or several) on stderr. */
function expectFailure(run: CliRun, ...expected: [string, ...string[]]): void {
  expect(run.code, shown(run)).to.equal(1);
  expect(run.signal, shown(run)).to.equal(null);
  expect(lines(run.stderr), shown(run)).to.deep.equal(expected);
  expect(run.stdout, shown(run)).to.equal('');
}

function sqliteFile(url: string): string {
  return url.slice('sqlite:'.length);
}

async function usersIn(knex: Knex): Promise<UserRow[]> {
  return knex<UserRow>('users').select('*').orderBy('email');
}

async function userRow(knex: Knex, email: string): Promise<UserRow> {
  const row = await knex<UserRow>('users').where({ email }).first();
  expect(row, `no user ${email}`).to.not.equal(undefined);
  return row!;
}

async function seedUser(
  knex: Knex,
  email: string,
  passwordHash = 'not a real hash',
  { admin = false, registeredOn = new Date() } = {},
): Promise<string> {
  const publicId = randomUUID();
  await knex('users').insert({
    public_id: publicId,
    email,
    password_hash: passwordHash,
    admin,
    registered_on: registeredOn,
  });
  return publicId;
}

/** A Postgres URL whose connections work in `schema` (created by the caller) only. */
function inSchema(url: string, schema: string): string {
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return scoped.href;
}

interface FreshDatabase {
  url: string;
  knex: Knex;
}

/**
 * `<title> [sqlite]` and `<title> [postgres]`, each test with a database of its own that nothing
 * has touched: a new SQLite file, or a new Postgres schema (dropped afterwards). The Postgres suite
 * is skipped when no Postgres is available.
 */
function describeEachFreshDatabase(title: string, body: (db: () => FreshDatabase) => void): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    describe(`${title} [${kind}]`, function () {
      let postgresUrl: string | null = null;
      let admin: Knex | undefined;
      let schema: string | undefined;
      let current: FreshDatabase | undefined;

      before(async function () {
        if (kind === 'sqlite') return;
        this.timeout(POSTGRES_START_TIMEOUT_MS);
        postgresUrl = await resolvePostgresUrl();
        if (postgresUrl === null) this.skip();
        admin = createKnex(postgresUrl);
      });

      beforeEach(async function () {
        if (kind === 'sqlite' || admin === undefined || postgresUrl === null) {
          const url = sqliteUrl();
          current = { url, knex: createKnex(url) };
          return;
        }
        schema = `gatehouse_cli_${randomUUID().replaceAll('-', '')}`;
        await admin.raw('CREATE SCHEMA ??', [schema]);
        const url = inSchema(postgresUrl, schema);
        current = { url, knex: createKnex(url) };
      });

      afterEach(async function () {
        await current?.knex.destroy();
        current = undefined;
        if (schema !== undefined) await admin?.raw('DROP SCHEMA ?? CASCADE', [schema]);
        schema = undefined;
      });

      after(async function () {
        await admin?.destroy();
        admin = undefined;
      });

      body(() => {
        if (current === undefined) throw new Error('the database exists only inside tests');
        return current;
      });
    });
  }
}

describe('gatehouse CLI', function () {
  this.timeout(120_000);

  after(function () {
    for (const child of children) child.kill('SIGKILL');
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
    workDir = undefined;
  });

  describeEachFreshDatabase('account and maintenance commands', (db) => {
    it('add-user reads the password from stdin, and the account logs in over HTTP; --admin makes an admin', async function () {
      const { url, knex } = db();
      const env = cliEnv(url);

      // As `echo … |` sends it: the one trailing newline is not part of the password.
      const alice = await gatehouse(['add-user', ' Alice@Example.COM ', '--password-stdin'], {
        env,
        stdin: 'correct horse battery\n',
      });
      const aliceRow = await userRow(knex, 'alice@example.com');
      expectSuccess(alice, [`added alice@example.com, public id ${aliceRow.public_id}`]);
      expect(toBoolean(aliceRow.admin)).to.equal(false);
      expect(aliceRow.password_hash).to.match(/^\$2b\$04\$/); // bcrypt at the test cost

      const bob = await gatehouse(['add-user', 'bob@example.com', '--admin', '--password-stdin'], {
        env,
        stdin: 'staple-battery-9',
      });
      const bobRow = await userRow(knex, 'bob@example.com');
      expectSuccess(bob, [`added bob@example.com (admin), public id ${bobRow.public_id}`]);
      expect(toBoolean(bobRow.admin)).to.equal(true);
      expect((await usersIn(knex)).map((row) => row.email)).to.deep.equal([
        'alice@example.com',
        'bob@example.com',
      ]);

      const server = await startTestServer(url);
      try {
        const login = (email: string, password: string) =>
          request(server.url, 'POST', '/api/v1/auth/login', { json: { email, password } });
        const aliceLogin = await login('alice@example.com', 'correct horse battery');
        expect(aliceLogin.status, JSON.stringify(aliceLogin.body)).to.equal(200);
        expect(aliceLogin.json.message).to.equal('successfully logged in');
        expect((await login('alice@example.com', 'correct horse battery\n')).status).to.equal(401);

        const bobLogin = await login('bob@example.com', 'staple-battery-9');
        expect(bobLogin.status, JSON.stringify(bobLogin.body)).to.equal(200);
        const me = await request(server.url, 'GET', '/api/v1/auth/user', {
          token: bobLogin.json.access_token as string,
        });
        expect(me.json).to.deep.include({
          email: 'bob@example.com',
          public_id: bobRow.public_id,
          admin: true,
        });
      } finally {
        await server.close();
      }
    });

    it('add-user writes its audit line (register, no request id or address) as JSON on stderr at LOG_LEVEL info, stdout unchanged', async function () {
      const { url, knex } = db();
      const run = await gatehouse(['add-user', 'carol@example.com', '--password-stdin'], {
        env: cliEnv(url, { LOG_LEVEL: 'info' }),
        stdin: 'carol-secret-password',
      });
      const row = await userRow(knex, 'carol@example.com');
      expect(run.code, shown(run)).to.equal(0);
      expect(lines(run.stdout)).to.deep.equal([
        `added carol@example.com, public id ${row.public_id}`,
      ]);
      const logged = lines(run.stderr).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged, shown(run)).to.have.length(1);
      expect(logged[0]).to.deep.include({
        level: 30,
        msg: 'audit',
        audit: true,
        event: 'register',
        public_id: row.public_id,
        ip: null,
        requestId: null,
      });
      expect(run.stderr).to.not.include('carol-secret-password');
      expect(run.stderr).to.not.include(row.password_hash);

      // Above info (as the tests run, silent), nothing is written.
      const quiet = await gatehouse(['add-user', 'dave@example.com', '--password-stdin'], {
        env: cliEnv(url, { LOG_LEVEL: 'warn' }),
        stdin: 'dave-secret-password',
      });
      const dave = await userRow(knex, 'dave@example.com');
      expectSuccess(quiet, [`added dave@example.com, public id ${dave.public_id}`]);
    });

    it('add-user refuses an address already registered, in one line naming it, and adds nothing', async function () {
      const { url, knex } = db();
      await migrateLatest(knex);
      await seedUser(knex, 'alice@example.com', 'the original hash');

      const run = await gatehouse(['add-user', 'ALICE@example.com', '--password-stdin'], {
        env: cliEnv(url),
        stdin: 'password1\n',
      });

      expectFailure(run, 'gatehouse: alice@example.com is already registered');
      const users = await usersIn(knex);
      expect(users.map((row) => [row.email, row.password_hash])).to.deep.equal([
        ['alice@example.com', 'the original hash'],
      ]);
    });

    it('set-admin --on grants and --off withdraws admin rights; an unknown email fails in one line', async function () {
      const { url, knex } = db();
      await migrateLatest(knex);
      await seedUser(knex, 'alice@example.com');
      const env = cliEnv(url);
      const adminFlag = async () => toBoolean((await userRow(knex, 'alice@example.com')).admin);

      const on = await gatehouse(['set-admin', 'Alice@Example.com', '--on'], { env });
      expectSuccess(on, ['alice@example.com is now an admin']);
      expect(await adminFlag()).to.equal(true);

      // The last administrator keeps the rights, from the command line too.
      const last = await gatehouse(['set-admin', 'alice@example.com', '--off'], { env });
      expectFailure(last, 'gatehouse: cannot remove the last administrator');
      expect(await adminFlag()).to.equal(true);

      await seedUser(knex, 'bob@example.com', 'a hash', { admin: true });
      const off = await gatehouse(['set-admin', 'alice@example.com', '--off'], { env });
      expectSuccess(off, ['alice@example.com is no longer an admin']);
      expect(await adminFlag()).to.equal(false);

      const unknown = await gatehouse(['set-admin', 'carol@example.com', '--on'], { env });
      expectFailure(unknown, 'gatehouse: carol@example.com is not registered');
      expect((await usersIn(knex)).map((row) => row.email)).to.deep.equal([
        'alice@example.com',
        'bob@example.com',
      ]);
      expect(await adminFlag()).to.equal(false);
    });

    it('delete-user deletes an account; refuses in one line an unknown email, the last admin and an owner of widgets', async function () {
      const { url, knex } = db();
      await migrateLatest(knex);
      const alice = await seedUser(knex, 'alice@example.com', 'a hash', { admin: true });
      const bob = await seedUser(knex, 'bob@example.com');
      const env = cliEnv(url);
      const emails = async () => (await usersIn(knex)).map((row) => row.email);

      expectSuccess(await gatehouse(['delete-user', 'BOB@example.com'], { env }), [
        `deleted bob@example.com, public id ${bob}`,
      ]);
      expect(await emails()).to.deep.equal(['alice@example.com']);

      expectFailure(
        await gatehouse(['delete-user', 'bob@example.com'], { env }),
        'gatehouse: bob@example.com is not registered',
      );
      expectFailure(
        await gatehouse(['delete-user', 'alice@example.com'], { env }),
        'gatehouse: cannot remove the last administrator',
      );
      await seedUser(knex, 'carol@example.com', 'a hash', { admin: true });
      await knex('widgets').insert({
        name: 'kept',
        info_url: 'https://www.example.com',
        deadline: new Date('2031-05-13T23:59:59.999Z'),
        created_at: new Date(),
        owner_id: alice,
      });
      expectFailure(
        await gatehouse(['delete-user', 'alice@example.com'], { env }),
        'gatehouse: alice@example.com still owns 1 widget(s)',
      );
      expect(await emails()).to.deep.equal(['alice@example.com', 'carol@example.com']);
    });

    it('set-admin and delete-user write audit lines on stderr (no request, no client address) unless LOG_LEVEL is silent', async function () {
      const { url, knex } = db();
      await migrateLatest(knex);
      await seedUser(knex, 'alice@example.com', 'a hash', { admin: true });
      const bob = await seedUser(knex, 'bob@example.com');
      const env = cliEnv(url, { LOG_LEVEL: 'info' });

      const granted = await gatehouse(['set-admin', 'bob@example.com', '--on'], { env });
      const deleted = await gatehouse(['delete-user', 'bob@example.com'], { env });
      expect([granted.code, deleted.code]).to.deep.equal([0, 0]);
      const audit = [granted, deleted].map((run) => {
        const entries = lines(run.stderr).map((line) => JSON.parse(line) as LogEntry);
        expect(entries, run.stderr).to.have.length(1);
        const { event, public_id, ip, requestId, audit: flag, actor_public_id } = entries[0]!;
        return { event, public_id, ip, requestId, flag, actor_public_id };
      });
      const common = {
        public_id: bob,
        ip: null,
        requestId: null,
        flag: true,
        actor_public_id: undefined,
      };
      expect(audit).to.deep.equal([
        { event: 'admin_granted', ...common },
        { event: 'account_deleted', ...common },
      ]);
    });

    it('list-users prints every account oldest first as a table, or as JSON with --json', async function () {
      const { url, knex } = db();
      await migrateLatest(knex);
      const env = cliEnv(url);
      expectSuccess(await gatehouse(['list-users'], { env }), [
        'EMAIL  PUBLIC ID  ADMIN  REGISTERED',
      ]);

      const base = Date.UTC(2026, 2, 1, 12, 0, 0);
      const seeded: Array<{
        email: string;
        public_id: string;
        admin: boolean;
        registered_on: string;
      }> = [];
      // 105 accounts: more than one page of the largest size, registered in reverse order of email.
      for (let i = 104; i >= 0; i--) {
        const email = `user${String(i).padStart(3, '0')}@example.com`;
        const registeredOn = new Date(base + (104 - i) * 1000);
        const admin = i % 50 === 0;
        const publicId = await seedUser(knex, email, 'a hash', { admin, registeredOn });
        seeded.push({
          email,
          public_id: publicId,
          admin,
          registered_on: `${registeredOn.toISOString().slice(0, 19)}Z`,
        });
      }

      const json = await gatehouse(['list-users', '--json'], { env });
      expect(json.code, shown(json)).to.equal(0);
      expect(JSON.parse(json.stdout)).to.deep.equal(seeded);

      const table = await gatehouse(['list-users'], { env });
      expect(table.code, shown(table)).to.equal(0);
      const rows = lines(table.stdout);
      expect(rows).to.have.length(106);
      expect(rows[0]).to.equal(
        `EMAIL${' '.repeat(14)}  PUBLIC ID${' '.repeat(27)}  ADMIN  REGISTERED`,
      );
      const row = (user: (typeof seeded)[number]) =>
        `${user.email}  ${user.public_id}  ${user.admin ? 'yes' : 'no '}    ${user.registered_on}`;
      expect(rows.slice(1)).to.deep.equal(seeded.map(row));
    });

    it('purge-revoked deletes only the revocations of expired tokens and prints how many', async function () {
      const { url, knex } = db();
      await migrateLatest(knex);
      const now = Date.now();
      const hour = 60 * 60 * 1000;
      await knex('revoked_tokens').insert([
        { token_id: 'expired-a-day-ago', expires_at: new Date(now - 24 * hour) },
        { token_id: 'expired-an-hour-ago', expires_at: new Date(now - hour) },
        { token_id: 'valid-for-an-hour', expires_at: new Date(now + hour) },
        { token_id: 'valid-for-a-day', expires_at: new Date(now + 24 * hour) },
      ]);

      const run = await gatehouse(['purge-revoked'], { env: cliEnv(url) });

      expectSuccess(run, ['purged 2 expired revocations and 0 expired refresh tokens']);
      const left = await knex('revoked_tokens').select('token_id').orderBy('token_id');
      expect(left.map((row: { token_id: string }) => row.token_id)).to.deep.equal([
        'valid-for-a-day',
        'valid-for-an-hour',
      ]);
    });

    it('purge-revoked deletes expired refresh tokens and their emptied families, with refresh tokens off', async function () {
      const { url, knex } = db();
      await migrateLatest(knex);
      const now = Date.now();
      const hour = 60 * 60 * 1000;
      const store = new KnexRefreshTokens(knex, new SystemClock());
      const publicId = await seedUser(knex, 'refresher@example.com');
      const grant = (expiresIn: number, accessExpiresIn: number) => ({
        token: randomBytes(32).toString('base64url'),
        expiresAt: new Date(now + expiresIn),
        accessTokenId: randomUUID(),
        accessExpiresAt: new Date(now + accessExpiresIn),
      });
      const start = async (first: ReturnType<typeof grant>) => {
        const familyId = randomUUID();
        await store.start({ familyId, publicId, generation: 0, grant: first });
        return familyId;
      };
      // Expired with its access token: purged, and its family with it.
      await start(grant(-hour, -2 * hour));
      // Its first token expired and was purged; the successor it was rotated into lives.
      const renewedFirst = grant(-hour, -2 * hour);
      const renewed = await start(renewedFirst);
      const rotation = await store.rotate({
        presented: renewedFirst.token,
        next: grant(30 * 24 * hour, hour),
        now: new Date(now - 2 * hour),
        graceSeconds: 10,
      });
      expect(rotation.outcome).to.equal('rotated');
      // Expired, but its access token lives on: kept, so a logout still finds its family.
      const accessLives = await start(grant(-hour, hour));

      const run = await gatehouse(['purge-revoked'], { env: cliEnv(url) });

      expectSuccess(run, ['purged 0 expired revocations and 2 expired refresh tokens']);
      expect(await knex('refresh_families').orderBy('id').pluck('id')).to.deep.equal(
        [renewed, accessLives].sort(),
      );
      expect(await knex('refresh_tokens').orderBy('family_id').pluck('family_id')).to.deep.equal(
        [renewed, accessLives].sort(),
      );
    });

    it('migrate status, latest and rollback report and change the schema of a fresh database', async function () {
      const { url, knex } = db();
      const env = cliEnv(url);
      const names = await migrationSource.getMigrations([]);

      const fresh = await gatehouse(['migrate', 'status'], { env });
      expectSuccess(
        fresh,
        names.map((name) => `pending  ${name}`),
      );
      expect(await listTables(knex)).to.deep.equal([]);

      const latest = await gatehouse(['migrate', 'latest'], { env });
      expectSuccess(latest, [`applied: ${names.join(', ')}`]);
      expect(await listTables(knex)).to.include.members(['revoked_tokens', 'users']);

      const status = await gatehouse(['migrate', 'status'], { env });
      expectSuccess(
        status,
        names.map((name) => `applied  ${name}`),
      );

      const rollback = await gatehouse(['migrate', 'rollback'], { env });
      expectSuccess(rollback, [`rolled back: ${[...names].reverse().join(', ')}`]);
      expect(await listTables(knex)).to.deep.equal([]);
    });
  });

  describe('input it refuses', function () {
    it('add-user refuses an invalid email or password in one line with the rule, and adds nobody', async function () {
      const cases = [
        { email: 'not-an-email', password: 'password1', line: 'not-an-email is not a valid email' },
        { email: 'alice@example.com', password: 'short', line: PASSWORD_RULE },
        // Every failing field, still in one line, even with a line break in the echoed input.
        {
          email: 'bad\nline@example.com',
          password: '',
          line: `bad line@example.com is not a valid email; ${PASSWORD_RULE}`,
        },
      ];
      await Promise.all(
        cases.map(async ({ email, password, line }) => {
          const url = sqliteUrl();
          const run = await gatehouse(['add-user', email, '--password-stdin'], {
            env: cliEnv(url),
            stdin: `${password}\n`,
          });
          expectFailure(run, `gatehouse: ${line}`);
          const knex = createKnex(url);
          try {
            expect(await usersIn(knex)).to.deep.equal([]);
          } finally {
            await knex.destroy();
          }
        }),
      );
    });

    it('every database command reports each unusable variable on a line of its own', async function () {
      const url = sqliteUrl();
      const env = cliEnv(url, { BCRYPT_COST: '3', LOG_LEVEL: 'loud' });
      const runs = await Promise.all([
        gatehouse(['migrate', 'status'], { env }),
        gatehouse(['add-user', 'alice@example.com', '--password-stdin'], {
          env,
          stdin: 'password1\n',
        }),
        gatehouse(['list-users'], { env }),
        gatehouse(['purge-revoked'], { env }),
      ]);
      for (const run of runs) {
        expectFailure(
          run,
          'gatehouse: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
          'gatehouse: BCRYPT_COST must be an integer from 4 to 31',
        );
      }
      expect(existsSync(sqliteFile(url)), 'the database was opened').to.equal(false);
    });

    it('says in one line, and nothing else, that the database cannot be reached', async function () {
      const run = await gatehouse(['purge-revoked'], {
        env: cliEnv('postgres://postgres@127.0.0.1:1/unreachable'),
      });
      expectFailure(run, 'gatehouse: connect ECONNREFUSED 127.0.0.1:1');
    });

    it('add-user without --password-stdin and without a terminal says to use --password-stdin', async function () {
      const url = sqliteUrl();
      const run = await gatehouse(['add-user', 'alice@example.com'], {
        env: cliEnv(url),
        stdin: 'password1\n',
      });
      expectFailure(run, 'gatehouse: no terminal to ask for the password on: use --password-stdin');
      expect(existsSync(sqliteFile(url)), 'the database was opened').to.equal(false);
    });

    it('set-admin with neither or both of --on and --off fails in one line', async function () {
      const url = sqliteUrl();
      const [neither, both] = await Promise.all([
        gatehouse(['set-admin', 'alice@example.com'], { env: cliEnv(url) }),
        gatehouse(['set-admin', 'alice@example.com', '--on', '--off'], { env: cliEnv(url) }),
      ]);
      expectFailure(neither, ONE_FLAG);
      expectFailure(both, ONE_FLAG);
      expect(existsSync(sqliteFile(url)), 'the database was opened').to.equal(false);
    });

    it('--version prints the package version and exits 0, touching no database', async function () {
      const url = sqliteUrl();
      const runs = await Promise.all(
        ['--version', '-V'].map((flag) => gatehouse([flag], { env: cliEnv(url) })),
      );
      for (const run of runs) expectSuccess(run, [PACKAGE_VERSION]);
      expect(existsSync(sqliteFile(url)), 'the database was opened').to.equal(false);
    });

    it('every command, and every subcommand, answers --help with its usage and exits 0', async function () {
      const url = sqliteUrl();
      const env = cliEnv(url);
      // The commands as the top-level help lists them, so a new command is covered by itself.
      const commandsOf = (help: string) =>
        help
          .slice(help.indexOf('Commands:'))
          .split('\n')
          .slice(1)
          .map((line) => /^ {2}([a-z-]+)/.exec(line)?.[1])
          .filter((name): name is string => name !== undefined && name !== 'help');
      const top = await gatehouse(['--help'], { env });
      const commands = commandsOf(top.stdout);
      expect(commands).to.include.members(['serve', 'migrate', 'add-user', 'keys']);
      const helps = await Promise.all(
        commands.map(async (command) => {
          const help = await gatehouse([command, '--help'], { env });
          const nested = commandsOf(help.stdout).map((sub) => [command, sub]);
          return [
            [[command], help] as const,
            ...(await Promise.all(
              nested.map(
                async (path) => [path, await gatehouse([...path, '--help'], { env })] as const,
              ),
            )),
          ];
        }),
      );
      const all = helps.flat();
      expect(all.map(([path]) => path.join(' '))).to.include('keys generate');
      for (const [path, help] of all) {
        expect(help.code, shown(help)).to.equal(0);
        expect(help.stderr, shown(help)).to.equal('');
        expect(lines(help.stdout)[0]).to.match(new RegExp(`^Usage: gatehouse ${path.join(' ')} `));
        expect(help.stdout).to.include('-h, --help');
      }
      expect(existsSync(sqliteFile(url)), 'the database was opened').to.equal(false);
    });

    it('--help lists the commands and exits 0; an unknown command or migrate action exits 1 in one line', async function () {
      const url = sqliteUrl();
      const env = cliEnv(url);
      const [help, unknown, badAction] = await Promise.all([
        gatehouse(['--help'], { env }),
        gatehouse(['frobnicate'], { env }),
        gatehouse(['migrate', 'nonsense'], { env }),
      ]);

      expect(help.code, shown(help)).to.equal(0);
      expect(help.stderr).to.equal('');
      expect(lines(help.stdout)[0]).to.equal('Usage: gatehouse [options] [command]');
      for (const command of ['serve', 'migrate', 'add-user', 'set-admin', 'purge-revoked']) {
        expect(help.stdout).to.match(new RegExp(`^  ${command}\\b`, 'm'));
      }

      expectFailure(unknown, "error: unknown command 'frobnicate'");
      expectFailure(
        badAction,
        "error: command-argument value 'nonsense' is invalid for argument 'action'. " +
          'expected latest, rollback or status',
      );
      expect(existsSync(sqliteFile(url)), 'the database was opened').to.equal(false);
    });
  });

  describe('serve in development', function () {
    it('writes readable log lines, not JSON, and still exits 0 on SIGTERM', async function () {
      const child = launch(
        ['serve'],
        cliEnv(sqliteUrl(), {
          NODE_ENV: 'development',
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'info',
        }),
      );
      child.stdin.end();
      let stdout = '';
      child.stdout.on('data', (chunk: string) => (stdout += chunk));
      const exit = exited(child, 'gatehouse serve');
      const deadline = Date.now() + CHILD_TIMEOUT_MS;
      while (!/INFO: Gatehouse listening on http:\/\/127\.0\.0\.1:\d+\n/.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no readable "listening" line in: ${stdout}`);
        }
        await sleep(20);
      }
      child.kill('SIGTERM');
      expect(await exit).to.deep.equal([0, null]);
      // `[HH:MM:ss.mmm] LEVEL: message`, then the fields indented on the lines below.
      expect(stdout).to.match(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: /m);
      expect(stdout).to.include('INFO: shutting down');
      expect(stdout).not.to.include('"level":30');
    });
  });

  describe('serve in production', function () {
    const production = (url: string, overrides: Record<string, string | undefined> = {}) =>
      cliEnv(url, {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        ...overrides,
      });

    it('refuses to start without a usable JWT_SECRET, in one line that never shows the secret', async function () {
      const cases = [
        { secret: undefined, line: 'JWT_SECRET is required in production' },
        { secret: 'abc', line: 'JWT_SECRET must be at least 32 bytes in production' },
        {
          secret: 'secret',
          line: 'JWT_SECRET is a well-known default: set a random value of at least 32 bytes',
        },
        {
          secret: 'change-me-to-at-least-32-random-bytes',
          line: 'JWT_SECRET is a well-known default: set a random value of at least 32 bytes',
        },
      ];
      await Promise.all(
        cases.map(async ({ secret, line }) => {
          const url = sqliteUrl();
          const run = await gatehouse(['serve'], {
            env: production(url, { JWT_SECRET: secret }),
          });
          expectFailure(run, `gatehouse: ${line}`);
          if (secret?.trim()) expect(run.stdout + run.stderr).to.not.include(secret);
          expect(existsSync(sqliteFile(url)), 'the database was opened').to.equal(false);
        }),
      );
    });

    it('reports every unusable variable at once, one line each, and starts nothing', async function () {
      const secret = 'Xy7#kq2!Lm9@Zt4$Rw8%Vb3^Nc6&Hd';
      const url = sqliteUrl();
      const run = await gatehouse(['serve'], {
        env: production(url, { JWT_SECRET: secret, PORT: 'http' }),
      });
      expectFailure(
        run,
        'gatehouse: PORT must be an integer from 0 to 65535',
        'gatehouse: JWT_SECRET must be at least 32 bytes in production',
      );
      expect(run.stderr).to.not.include(secret);
      expect(existsSync(sqliteFile(url)), 'the database was opened').to.equal(false);
    });

    it('starts with a strong secret, answers /health/live and exits 0 on SIGTERM', async function () {
      const secret = randomBytes(48).toString('base64url');
      const server = await serve(production(sqliteUrl(), { JWT_SECRET: secret }));

      expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      const listening = server.logs().find((entry) => entry.msg.includes('listening'));
      expect(listening).to.deep.include({
        msg: `Gatehouse listening on ${server.url}`,
        env: 'production',
      });
      const live = await request(server.url, 'GET', '/health/live');
      expect(live.status).to.equal(200);
      expect(live.json).to.deep.equal({ status: 'ok' });

      server.child.kill('SIGTERM');
      const [code, signal] = await server.exit;

      expect([code, signal], server.stderr()).to.deep.equal([0, null]);
      expect(server.logs().map((entry) => entry.msg)).to.include('shutting down');
      expect(server.stderr()).to.equal('');
      expect(server.stdout()).to.not.include(secret);
    });

    it('hashes on pool threads niced 10 below the event loop, and logs it (Linux, Node 22+)', async function () {
      const server = await serve(
        production(sqliteUrl(), { JWT_SECRET: randomBytes(48).toString('base64url') }),
      );
      const threads = process.platform === 'linux' ? threadsOf(server.child.pid ?? NaN) : [];
      const pool = threads.filter((thread) => thread.name === POOL_THREAD);
      const niced = server.logs().find((entry) => entry.msg.includes('thread pool'));
      server.child.kill('SIGTERM');
      await server.exit;
      // libuv before 1.50 (Node 20) leaves its threads unnamed: nothing can tell them apart.
      if (pool.length === 0) {
        expect(niced).to.equal(undefined);
        this.skip();
      }
      const processNice = threads.find((thread) => thread.tid === server.child.pid)?.nice ?? NaN;
      expect(pool.map((thread) => thread.nice)).to.deep.equal(
        pool.map(() => Math.min(19, processNice + 10)),
      );
      expect(niced).to.deep.include({
        msg: 'thread pool niced below the event loop',
        threads: pool.length,
        by: 10,
      });
    });

    it('keys generate writes a 0600 key that production serve signs with and publishes', async function () {
      const generated = await gatehouse(['keys', 'generate', '--alg', 'eddsa'], {
        env: cliEnv(sqliteUrl()),
      });
      expect(generated.code, shown(generated)).to.equal(0);
      const keyFile = lines(generated.stdout)[0] ?? '';
      expect(keyFile).to.match(new RegExp(`^${cwd()}/gatehouse-EdDSA-[\\w-]+\\.pem$`));
      expect(statSync(keyFile).mode & 0o777).to.equal(0o600);

      const server = await serve(
        production(sqliteUrl(), {
          JWT_SECRET: undefined,
          JWT_ALG: 'EdDSA',
          JWT_PRIVATE_KEY_FILE: keyFile,
        }),
      );
      try {
        const jwks = await request(server.url, 'GET', '/.well-known/jwks.json');
        expect(jwks.status).to.equal(200);
        const [key] = jwks.json.keys as Array<Record<string, string>>;
        expect(key).to.include({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
        expect(key).to.not.have.property('d');

        const registered = await request(server.url, 'POST', '/api/v1/auth/register', {
          json: { email: 'keys@example.com', password: 'password1' },
        });
        const token = registered.json.access_token as string;
        const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString());
        expect(header).to.deep.equal({ alg: 'EdDSA', typ: 'at+jwt', kid: key?.kid });
        const me = await request(server.url, 'GET', '/api/v1/auth/user', { token });
        expect(me.status).to.equal(200);
      } finally {
        server.child.kill('SIGTERM');
        await server.exit;
      }
    });

    it('keys generate refuses an algorithm it does not know, in one line', async function () {
      const run = await gatehouse(['keys', 'generate', '--alg', 'RS256'], {
        env: cliEnv(sqliteUrl()),
      });
      expectFailure(
        run,
        "error: option '--alg <alg>' argument 'RS256' is invalid. expected EdDSA or ES256",
      );
    });

    it('on SIGTERM refuses new connections, lets a slow request in flight finish with its full response, then exits 0', async function () {
      const url = sqliteUrl();
      const password = 'correct horse battery';
      const server = await serve(
        production(url, { JWT_SECRET: randomBytes(48).toString('base64url'), BCRYPT_COST: '12' }),
      );
      const knex = createKnex(url); // the server has migrated it
      try {
        await seedUser(
          knex,
          'alice@example.com',
          await new BcryptPasswordHasher(12).hash(password),
        );
      } finally {
        await knex.destroy();
      }

      // A keep-alive client; `Expect: 100-continue` tells us when the server has taken the
      // request in, so the signal lands while it is in flight, before its body is even sent.
      const agent = new Agent({ keepAlive: true });
      try {
        const login = holdRequest(
          server.url,
          '/api/v1/auth/login',
          { email: 'alice@example.com', password },
          agent,
        );
        await login.accepted;

        server.child.kill('SIGTERM');
        await server.waitForLog(
          'that it is shutting down',
          (entry) => entry.msg === 'shutting down',
        );
        const reply = login.send(); // the slow part (bcrypt at cost 12) now runs during the shutdown
        let answered = false;
        void reply.then(
          () => (answered = true),
          () => undefined,
        );

        // The port is closed at once: a new client is refused, not queued behind the shutdown.
        const newConnection = await connectionOutcome(server.url);
        expect(answered, 'the login was answered before the new connection was tried').to.equal(
          false,
        );
        expect(newConnection).to.equal('ECONNREFUSED');

        const response = await reply;
        expect(response.status, response.text).to.equal(200);
        const json = JSON.parse(response.text) as Record<string, unknown>;
        expect(json).to.include({ status: 'success', message: 'successfully logged in' });
        expect(json.access_token).to.be.a('string');
        // A kept-alive connection would hold the process open until the client let go.
        expect(response.headers.connection).to.equal('close');

        const [code, signal] = await server.exit;
        expect([code, signal], server.stderr()).to.deep.equal([0, null]);
        const requestLog = server.logs().find((entry) => entry.msg === 'request');
        expect(requestLog).to.deep.include({ path: '/api/v1/auth/login', status: 200 });
        // Its audit line too: the log is batched, and what is left is written on the way out.
        const audit = server.logs().find((entry) => entry.msg === 'audit');
        expect(audit).to.deep.include({ audit: true, event: 'login_success' });
      } finally {
        agent.destroy();
      }
    });
  });

  describe('keys generate and git work trees', function () {
    const scratch: string[] = [];
    const newDirectory = () => {
      const directory = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'));
      scratch.push(directory);
      return directory;
    };
    const KEY_FILE = /^gatehouse-EdDSA-[\w-]{12}\.pem$/;

    after(function () {
      for (const directory of scratch) rmSync(directory, { recursive: true, force: true });
    });

    /** A new git work tree (`git init`), or null where there is no git to make one with. */
    function gitWorkTree(): string | null {
      const root = newDirectory();
      const init = spawnSync('git', ['init', '-q', root], { encoding: 'utf8' });
      return init.status === 0 ? root : null;
    }

    it('refuses, in one line, to write into a git work tree unless --out names the directory', async function () {
      const repo = gitWorkTree();
      if (repo === null) this.skip();
      const inside = join(repo, 'deploy');
      mkdirSync(inside);
      const env = cliEnv(sqliteUrl());
      const generate = (...out: string[]) =>
        gatehouse(['keys', 'generate', '--alg', 'EdDSA', ...out], { env, cwd: inside });

      expectFailure(
        await generate(),
        `gatehouse: not writing a private key into the git work tree ${repo}: ` +
          'choose the directory with --out DIR (--out . to write it here anyway)',
      );
      expect(readdirSync(inside), 'no key written').to.deep.equal([]);

      const elsewhere = newDirectory();
      for (const [out, directory] of [
        [elsewhere, elsewhere],
        ['.', inside],
        ['..', repo],
      ] as const) {
        const run = await generate('--out', out);
        expect(run.code, shown(run)).to.equal(0);
        expect(run.stderr, shown(run)).to.equal('');
        const [file = '', ...rest] = lines(run.stdout);
        expect(rest).to.deep.equal([]);
        expect(dirname(file), out).to.equal(directory);
        expect(basename(file)).to.match(KEY_FILE);
        expect(statSync(file).mode & 0o777).to.equal(0o600);
      }
    });

    it('--out a directory that does not exist fails in one line and writes nothing', async function () {
      const missing = join(newDirectory(), 'missing');
      const run = await gatehouse(['keys', 'generate', '--alg', 'EdDSA', '--out', missing], {
        env: cliEnv(sqliteUrl()),
      });
      expect(run.code, shown(run)).to.equal(1);
      expect(run.stdout).to.equal('');
      const [line = '', ...rest] = lines(run.stderr);
      expect(rest).to.deep.equal([]);
      expect(line).to.match(/^gatehouse: ENOENT: no such file or directory, open '/);
      expect(line).to.include(`${missing}/gatehouse-EdDSA-`);
      expect(existsSync(missing)).to.equal(false);
    });

    it("the repository's .gitignore ignores generated key files", function () {
      const root = fileURLToPath(new URL('../../../', import.meta.url));
      const names = ['gatehouse-EdDSA-0123456789ab.pem', 'keys/gatehouse-ES256-ba9876543210.pem'];
      const check = spawnSync('git', ['check-ignore', '--no-index', ...names], {
        cwd: root,
        encoding: 'utf8',
      });
      // No git, or a copy of the project that is no git work tree: nothing to ask.
      if (check.error !== undefined || check.status === 128) this.skip();
      expect(lines(check.stdout), check.stderr).to.deep.equal(names);
      const kept = spawnSync('git', ['check-ignore', '--no-index', 'docs/key.pem'], { cwd: root });
      expect(kept.status, 'other .pem files are not ignored').to.equal(1);
    });
  });

  describe('serve with several workers', function () {
    const production = (url: string, overrides: Record<string, string | undefined> = {}) =>
      cliEnv(url, {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        JWT_SECRET: randomBytes(48).toString('base64url'),
        ...overrides,
      });
    const workersListening = (server: ServingCli) =>
      server.logs().filter((entry) => entry.msg.startsWith('worker listening on'));

    it('--workers 2 with METRICS_PORT: the primary answers scrapes with the sum over both workers', async function () {
      const server = await serve(production(sqliteUrl(), { METRICS_PORT: '0' }), [
        '--workers',
        '2',
      ]);
      try {
        const served = server.logs().filter((entry) => entry.msg === 'Prometheus metrics served');
        expect(served, server.stdout()).to.have.length(1); // the primary's; no worker listens
        const metricsUrl = String(served[0]?.url);
        for (let i = 0; i < 6; i += 1) {
          expect(await getOnNewConnection(`${server.url}/health/live`)).to.equal(200);
        }
        const pids = server
          .logs()
          .filter((entry) => entry.msg === 'request' && entry.path === '/health/live')
          .map((entry) => entry.pid);
        expect(new Set(pids).size, 'both workers served').to.equal(2);

        const text = await (await fetch(metricsUrl)).text();
        const counted = text
          .split('\n')
          .filter(
            (line) =>
              line.startsWith('http_request_duration_seconds_count{') &&
              line.includes('route="/health/live"'),
          )
          .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
        expect(counted.reduce((sum, value) => sum + value, 0)).to.equal(6);
      } finally {
        server.child.kill('SIGTERM');
        const [code, signal] = await server.exit;
        expect([code, signal], server.stderr()).to.deep.equal([0, null]);
      }
    });

    it('--workers 2: two worker processes serve on one port, each named in its log lines, and one that dies is replaced', async function () {
      const server = await serve(production(sqliteUrl()), ['--workers', '2']);
      try {
        const listening = server.logs().find((entry) => entry.msg.includes('Gatehouse listening'));
        const workers = workersListening(server);
        const pids = workers.map((entry) => entry.pid as number);
        expect(new Set(pids).size, server.stdout()).to.equal(2);
        expect(pids).to.not.include(server.child.pid);
        expect(listening).to.deep.include({ url: server.url, env: 'production' });
        expect([...(listening?.workers as number[])].sort()).to.deep.equal([...pids].sort());
        expect(workers.map((entry) => entry.url)).to.deep.equal([server.url, server.url]);

        // Connections are shared out between the workers (round-robin).
        const statuses = [];
        for (let i = 0; i < 4; i += 1) {
          statuses.push(await getOnNewConnection(`${server.url}/health/live`));
        }
        expect(statuses).to.deep.equal([200, 200, 200, 200]);
        const served = server.logs().filter((entry) => entry.msg === 'request');
        expect(new Set(served.map((entry) => entry.pid))).to.deep.equal(new Set(pids));

        const [killed = 0] = pids;
        process.kill(killed, 'SIGKILL');
        const replacement = await server.waitForLog(
          'a third worker',
          (entry) =>
            entry.msg.startsWith('worker listening on') && !pids.includes(entry.pid as number),
        );
        const died = server.logs().find((entry) => entry.msg === 'worker died');
        expect(died).to.deep.include({ pid: killed, code: null, signal: 'SIGKILL' });
        expect(replacement.url).to.equal(server.url);
        expect(await getOnNewConnection(`${server.url}/health/live`)).to.equal(200);
      } finally {
        server.child.kill('SIGTERM');
        const [code, signal] = await server.exit;
        expect([code, signal], server.stderr()).to.deep.equal([0, null]);
      }
    });

    it('on SIGTERM to the primary, a request in flight on a worker completes, and every process exits 0', async function () {
      const url = sqliteUrl();
      const password = 'correct horse battery';
      const server = await serve(production(url, { BCRYPT_COST: '12' }), ['--workers', '2']);
      const pids = workersListening(server).map((entry) => entry.pid as number);
      const knex = createKnex(url);
      try {
        await seedUser(
          knex,
          'alice@example.com',
          await new BcryptPasswordHasher(12).hash(password),
        );
      } finally {
        await knex.destroy();
      }

      const login = holdRequest(server.url, '/api/v1/auth/login', {
        email: 'alice@example.com',
        password,
      });
      await login.accepted;

      server.child.kill('SIGTERM');
      await server.waitForLog(
        'that both workers are shutting down',
        () =>
          server.logs().filter((entry) => entry.msg === 'shutting down' && entry.worker).length ===
          2,
      );
      const reply = login.send(); // bcrypt at cost 12 now runs while the workers shut down

      const response = await reply;
      expect(response.status, response.text).to.equal(200);
      expect(JSON.parse(response.text)).to.include({ message: 'successfully logged in' });
      const [code, signal] = await server.exit;
      expect([code, signal], server.stderr()).to.deep.equal([0, null]);
      expect(pids.filter(alive), 'workers still running').to.deep.equal([]);
      expect(server.stderr()).to.equal('');
    });

    it('stops, exit 1, when workers keep dying: more than 5 within a minute', async function () {
      const server = await serve(production(sqliteUrl()), ['--workers', '2']);
      const primary = server.child.pid ?? 0;
      const killed = new Set<number>();
      while (server.child.exitCode === null && killed.size < 20) {
        for (const pid of childrenOf(primary)) {
          if (killed.has(pid)) continue;
          killed.add(pid);
          process.kill(pid, 'SIGKILL');
        }
        await sleep(50);
      }
      const [code, signal] = await server.exit;
      expect([code, signal], server.stdout()).to.deep.equal([1, null]);
      const deaths = server.logs().filter((entry) => entry.msg === 'worker died');
      expect(deaths).to.have.length.within(6, 7);
      const stopping = server.logs().find((entry) => entry.msg === 'shutting down');
      expect(stopping).to.deep.include({ reason: 'more than 5 workers died within 60 s' });
    });

    it('refuses a worker count it cannot use, in one line, before starting anything', async function () {
      const url = sqliteUrl();
      const fromEnv = await gatehouse(['serve'], {
        env: production(url, { WEB_CONCURRENCY: '0' }),
      });
      expectFailure(fromEnv, 'gatehouse: WEB_CONCURRENCY must be auto or an integer from 1 to 256');
      const fromOption = await gatehouse(['serve', '--workers', 'many'], { env: production(url) });
      expectFailure(
        fromOption,
        "error: option '--workers <count>' argument 'many' is invalid. expected auto or an integer from 1 to 256",
      );
      expect(existsSync(sqliteFile(url)), 'the database was opened').to.equal(false);
    });
  });
});
