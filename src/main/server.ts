import cluster from 'node:cluster';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from 'inversify';
import type { Knex } from 'knex';
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';
import type { Config } from '../adapters/config/config.js';
import { buildKoaApp } from '../adapters/http/app.js';
import { batchedDestination } from '../adapters/logging/batchedStdout.js';
import { answerClientError } from '../adapters/http/clientErrors.js';
import { LOGIN_OUTCOMES } from '../adapters/http/metrics.js';
import { isDatabaseUnavailable } from '../adapters/persistence/knex/databaseUnavailable.js';
import { loggableMessage } from '../adapters/persistence/knex/driverErrors.js';
import { migrateLatest, migrationStatus } from '../adapters/persistence/knex/migrations/index.js';
import { inRedis, isRedisUnavailable } from '../adapters/redis/createRedis.js';
import { listenForScrapes, shareWithPrimary } from '../adapters/metrics/metricsListener.js';
import { PrometheusMetrics } from '../adapters/metrics/PrometheusMetrics.js';
import { buildContainer, TOKENS } from './container.js';

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  readonly container: Container;
  /** `http://host:port` of `GET /metrics` (METRICS_PORT), or null when there is none. */
  readonly metricsUrl: string | null;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

const PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** In-flight requests get this long to finish on shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

interface RedisConnection {
  /** Resolves when Redis answers; rejects (RedisUnavailableError) at once when it does not. */
  ping(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Opens the attempt counters' Redis connection, waiting for it one connect timeout (1 s) at the
 * most: a Redis that is down at start does not stop the start, it leaves login and register
 * answering 503 until it is back (the client reconnects by itself), and everything else served.
 * Logs when Redis goes away and when it is back, not every failed reconnection.
 */
async function connectRedis(container: Container, logger: Logger): Promise<RedisConnection> {
  const redis = container.get(TOKENS.Redis);
  let up = true;
  redis.on('error', (err: unknown) => {
    if (!up) return;
    up = false;
    logger.error({ err }, 'redis unavailable');
  });
  redis.on('ready', () => {
    if (!up) logger.info('redis available again');
    up = true;
  });
  await redis.connect().catch(() => undefined); // reported by the error listener
  return {
    ping: () => inRedis(() => redis.ping()),
    close: async () => {
      redis.disconnect();
    },
  };
}

/** How often Node looks for requests past their timeouts: a slow client is cut within this. */
function checkingInterval(headersTimeoutMs: number): number {
  return Math.min(1000, Math.max(50, Math.floor(headersTimeoutMs / 10)));
}

/** Where a client on this machine reaches a server listening on `host`:`port`. */
export function localUrl(host: string, port: number): string {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  const local = bracketed === '0.0.0.0' || bracketed === '[::]' ? '127.0.0.1' : bracketed;
  return `http://${local}:${port}`;
}

/**
 * JSON lines, one per event, for production and tests. In development, readable lines instead
 * (pino-pretty, written synchronously so nothing is lost on exit) when pino-pretty is installed:
 * it is a devDependency, so a production install (`npm ci --omit=dev`) has none and stays JSON.
 *
 * `batched` (the serving process): the JSON lines of one event-loop turn leave in one write
 * instead of one write each, and whatever is left is written on exit (`batchedDestination`).
 * Otherwise each line is written synchronously as it is logged.
 */
export function createLogger(config: Config, { batched = false } = {}): Logger {
  const options = { level: config.logLevel, base: { service: 'gatehouse' } };
  const pretty = config.env === 'development' ? prettyStream() : null;
  if (pretty !== null) return pino(options, pretty);
  return batched ? pino(options, batchedDestination()) : pino(options);
}

function prettyStream(): DestinationStream | null {
  let build: (options: PrettyOptions) => DestinationStream;
  try {
    build = createRequire(import.meta.url)('pino-pretty') as typeof build;
  } catch {
    return null;
  }
  return build({
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    sync: true,
  });
}

/** Builds the container, applies pending migrations and listens on config.host:config.port. */
export async function startServer(
  config: Config,
  logger = createLogger(config),
): Promise<RunningServer> {
  const metrics = config.http.metricsPort === null ? null : new PrometheusMetrics(LOGIN_OUTCOMES);
  const container = buildContainer(config, logger, logger, metrics);
  // Read the signing keys first: a bad key file stops the start before the database is touched.
  const publicJwks = container.get(TOKENS.PublicJwks);
  const knex = container.get<Knex>(TOKENS.Knex);
  try {
    // Only a start with something to apply takes knex's migration lock: instances starting
    // together on an up-to-date database (cluster workers) only read.
    if ((await migrationStatus(knex)).pending.length > 0) {
      const applied = await migrateLatest(knex);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    }
  } catch (error) {
    await knex.destroy();
    throw error;
  }
  const redis = config.limits.store.kind === 'redis' ? await connectRedis(container, logger) : null;
  // Set the moment close() is called (SIGTERM/SIGINT): from then on readiness fails, so a load
  // balancer stops sending requests while those in flight finish, and responses close their
  // connection.
  let shuttingDown = false;

  const app = buildKoaApp(
    {
      registerUser: container.get(TOKENS.RegisterUser),
      logIn: container.get(TOKENS.LogIn),
      logOut: container.get(TOKENS.LogOut),
      logOutEverywhere: container.get(TOKENS.LogOutEverywhere),
      changePassword: container.get(TOKENS.ChangePassword),
      getCurrentUser: container.get(TOKENS.GetCurrentUser),
      authenticate: container.get(TOKENS.AuthenticateRequest),
      authRequestLimiter: container.get(TOKENS.AuthRequestLimiter),
      refreshSession: config.tokens.refresh ? container.get(TOKENS.RefreshSession) : null,
      createWidget: container.get(TOKENS.CreateWidget),
      getWidget: container.get(TOKENS.GetWidget),
      listWidgets: container.get(TOKENS.ListWidgets),
      putWidget: container.get(TOKENS.PutWidget),
      deleteWidget: container.get(TOKENS.DeleteWidget),
      deleteOwnAccount: container.get(TOKENS.DeleteOwnAccount),
      listUsers: container.get(TOKENS.ListUsers),
      getUser: container.get(TOKENS.GetUser),
      changeAdminRights: container.get(TOKENS.ChangeAdminRights),
      deleteUser: container.get(TOKENS.DeleteUser),
      clock: container.get(TOKENS.Clock),
    },
    {
      logger,
      authRealm: config.http.authRealm,
      corsOrigins: config.http.corsOrigins,
      trustProxy: config.http.trustProxy,
      publicJwks,
      readiness: async () => {
        const [database, cache] = await Promise.all([
          knex.raw('select 1').then(
            () => true,
            () => false,
          ),
          redis?.ping().then(
            () => true,
            () => false,
          ),
        ]);
        return {
          database,
          ...(cache === undefined ? {} : { redis: cache }),
          // Read after the checks: a probe already waiting on them when the signal came fails too.
          ...(shuttingDown ? { server: false } : {}),
        };
      },
      unavailableDependency: (error) => {
        if (isDatabaseUnavailable(error)) return 'database';
        return isRedisUnavailable(error) ? 'redis' : null;
      },
      loggableMessage,
      metrics,
    },
  );
  metrics?.watchPool(knex);

  const server = createServer(
    {
      // Headers within HEADERS_TIMEOUT_MS and the whole request, body included, within
      // REQUEST_TIMEOUT_MS, or a JSON 408 and the connection closes (answerClientError). Node
      // checks both on a timer, so it must tick well within the shorter one.
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      connectionsCheckingInterval: checkingInterval(config.http.headersTimeoutMs),
    },
    app.callback(),
  );
  // An idle keep-alive connection is closed after this long.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('clientError', answerClientError);
  // Keep-alive would let a client hold the process open after shutdown begins: responses still
  // being prepared then, and any that start afterwards, close their connection once sent.
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    if (shuttingDown) response.setHeader('Connection', 'close');
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  server.listen(config.http.port, config.http.host);
  await once(server, 'listening');
  // A worker of several does not listen for scrapes: the primary answers them with the sum over
  // its workers, so a scrape never lands on one worker at random.
  if (metrics !== null && cluster.isWorker) shareWithPrimary(metrics.registry);
  const scrapes =
    metrics === null || config.http.metricsPort === null || cluster.isWorker
      ? null
      : await listenForScrapes(metrics.registry, config.http.host, config.http.metricsPort).catch(
          async (error: unknown) => {
            server.close();
            await Promise.all([knex.destroy(), redis?.close()]);
            throw error;
          },
        );
  const url = localUrl(config.http.host, (server.address() as AddressInfo).port);

  const purgeRevoked = container.get(TOKENS.PurgeRevokedTokens);
  const limiters = [TOKENS.LoginFailureLimiter, TOKENS.AuthRequestLimiter].map((id) =>
    container.get(id),
  );
  const purgeTimer = setInterval(() => {
    Promise.all([
      purgeRevoked.execute(),
      ...limiters.map((limiter) => limiter.purgeExpired()),
    ]).then(
      ([purged, ...counters]) =>
        logger.info({ ...purged, counters }, 'expired revocations and counters purged'),
      (err: unknown) => logger.error({ err }, 'purging expired records failed'),
    );
  }, PURGE_INTERVAL_MS).unref();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(purgeTimer);
      shuttingDown = true;
      for (const response of inFlight) {
        if (!response.headersSent) response.setHeader('Connection', 'close');
      }
      const closed = new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
      await Promise.all([closed, scrapes?.close()]);
      clearTimeout(force);
      await Promise.all([knex.destroy(), redis?.close()]);
    })());

  return { url, server, container, metricsUrl: scrapes?.url ?? null, close };
}
