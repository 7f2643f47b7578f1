/** The `gatehouse` command line, imported by cli.ts once memory.ts has run. */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, workerCount, type Config } from '../adapters/config/config.js';
import { clusterScrapeSource, listenForScrapes } from '../adapters/metrics/metricsListener.js';
import { generateKeyFile } from '../adapters/security/generateKeyFile.js';
import type { AsymmetricAlg } from '../adapters/security/signingKeys.js';
import { DomainError } from '../domain/index.js';
import { runCluster } from './cluster.js';
import { addDatabaseCommands } from './databaseCommands.js';
import { keyDirectory } from './keyDirectory.js';
import { createLogger, localUrl, startServer } from './server.js';
import { HASHING_NICENESS, lowerThreadPoolPriority } from './threadPoolPriority.js';

/**
 * The lines for the operator: no stack, no secret, the fields that failed. One line, or one per
 * unusable variable of the configuration (each already one line, none with a secret).
 */
function reasons(error: unknown): string[] {
  if (error instanceof ConfigError) return [...error.problems];
  // Messages may echo the operator's input (an email with a line break in it): keep one line.
  return [describe(error).replace(/\s*[\r\n]+\s*/g, ' ')];
}

function describe(error: unknown): string {
  if (error instanceof DomainError && error.details.fields) {
    return Object.values(error.details.fields).join('; ');
  }
  if (error instanceof DomainError) return error.message;
  if (error instanceof Error) return error.message.split('\n')[0] ?? 'failed';
  return String(error);
}

const GENERATED_SECRET_WARNING =
  'JWT_SECRET is not set: using a random secret; tokens end with this process';

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
    const config = loadConfig();
    // The option wins over WEB_CONCURRENCY; the workers, re-running this command, see it too.
    const workers = options.workers ?? config.runtime.workers;
    const { http, signing } = config;
    const generatedSecret = signing.alg === 'HS256' && signing.generatedSecret;
    if (workers > 1 && cluster.isPrimary) {
      const logger = createLogger(config);
      if (generatedSecret) logger.warn(GENERATED_SECRET_WARNING);
      // The primary answers scrapes with the sum over its workers (none listens itself).
      const scrapes =
        http.metricsPort === null
          ? null
          : await listenForScrapes(clusterScrapeSource(), http.host, http.metricsPort);
      if (scrapes !== null) {
        logger.info({ url: `${scrapes.url}/metrics` }, 'Prometheus metrics served');
      }
      const code = await runCluster({
        workers,
        logger,
        // Every worker must verify the others' tokens: one generated secret for all of them.
        workerEnv: generatedSecret ? { JWT_SECRET: signing.secret } : {},
        urlOf: (address) => localUrl(http.host, address.port),
        listeningFields: { env: config.env },
      });
      await scrapes?.close();
      process.exit(code);
    }
    await serve(config, generatedSecret);
  });

/**
 * Serves in this process: the whole service with one worker, or one worker of several (its log
 * lines then name it). SIGTERM/SIGINT stop accepting, finish in-flight requests and exit 0.
 */
async function serve(config: Config, generatedSecret: boolean): Promise<void> {
  const worker = cluster.worker;
  // The access log, one line per request: batched per event-loop turn, flushed on exit.
  const root = createLogger(config, { batched: true });
  const logger = worker === undefined ? root : root.child({ worker: worker.id, pid: process.pid });
  if (generatedSecret && worker === undefined) logger.warn(GENERATED_SECRET_WARNING);
  // Hashing yields the cores to everything else: see threadPoolPriority.ts.
  const lowered = await lowerThreadPoolPriority(HASHING_NICENESS);
  if (lowered.length > 0) {
    logger.info(
      { threads: lowered.length, by: HASHING_NICENESS },
      'thread pool niced below the event loop',
    );
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

addDatabaseCommands(program);

program
  .command('keys')
  .description('manage the key pairs that sign tokens with JWT_ALG=EdDSA or ES256')
  .command('generate')
  .description(
    'write a new private key file (mode 0600) into --out, by default the current directory',
  )
  .requiredOption('--alg <alg>', 'EdDSA | ES256', keyAlg)
  .option('--out <dir>', 'the directory to write it into; needed inside a git work tree')
  .action(async (options: { alg: AsymmetricAlg; out?: string }) => {
    console.log(await generateKeyFile(options.alg, keyDirectory(options.out, process.cwd())));
  });

program.exitOverride();

try {
  await program.parseAsync();
} catch (error) {
  const code = (error as { code?: unknown }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(0);
  if (typeof code !== 'string' || !code.startsWith('commander.')) {
    process.stderr.write(
      reasons(error)
        .map((line) => `gatehouse: ${line}\n`)
        .join(''),
    );
  }
  process.exit(1);
}
