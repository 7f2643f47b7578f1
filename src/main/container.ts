import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { Container, type ServiceIdentifier } from 'inversify';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AccessTokenIssuer } from '../application/AccessTokenIssuer.js';
import { AddUser } from '../application/AddUser.js';
import { AuthenticateRequest } from '../application/AuthenticateRequest.js';
import { ChangePassword } from '../application/ChangePassword.js';
import { ConfirmPassword } from '../application/ConfirmPassword.js';
import { ChangeAdminRights } from '../application/ChangeAdminRights.js';
import { DeleteOwnAccount } from '../application/DeleteOwnAccount.js';
import { DeleteUser } from '../application/DeleteUser.js';
import { GetUser } from '../application/GetUser.js';
import { ListUsers } from '../application/ListUsers.js';
import { GetCurrentUser } from '../application/GetCurrentUser.js';
import { LogIn } from '../application/LogIn.js';
import { LogOut } from '../application/LogOut.js';
import { LogOutEverywhere } from '../application/LogOutEverywhere.js';
import { PurgeRevokedTokens } from '../application/PurgeRevokedTokens.js';
import { RefreshSession } from '../application/RefreshSession.js';
import { CreateWidget } from '../application/CreateWidget.js';
import { DeleteWidget } from '../application/DeleteWidget.js';
import { GetWidget } from '../application/GetWidget.js';
import { ListWidgets } from '../application/ListWidgets.js';
import { PutWidget } from '../application/PutWidget.js';
import { RegisterUser } from '../application/RegisterUser.js';
import { SystemClock } from '../adapters/clock/SystemClock.js';
import { PinoAuditLog } from '../adapters/logging/PinoAuditLog.js';
import { clusterSlotGate } from '../adapters/security/clusterHashingSlots.js';
import { ConfigError, type Config } from '../adapters/config/config.js';
import { createKnex, knexLogger } from '../adapters/persistence/knex/createKnex.js';
import { KnexAttemptLimiter } from '../adapters/persistence/knex/KnexAttemptLimiter.js';
import { KnexRevokedTokens } from '../adapters/persistence/knex/KnexRevokedTokens.js';
import { KnexRefreshTokens } from '../adapters/persistence/knex/KnexRefreshTokens.js';
import { KnexSessionLookup } from '../adapters/persistence/knex/KnexSessionLookup.js';
import { KnexUserRepository } from '../adapters/persistence/knex/KnexUserRepository.js';
import { KnexWidgetRepository } from '../adapters/persistence/knex/KnexWidgetRepository.js';
import { createRedis } from '../adapters/redis/createRedis.js';
import { RedisAttemptLimiter } from '../adapters/redis/RedisAttemptLimiter.js';
import { Argon2PasswordHasher } from '../adapters/security/Argon2PasswordHasher.js';
import { BcryptPasswordHasher } from '../adapters/security/BcryptPasswordHasher.js';
import { CryptoIdGenerator } from '../adapters/security/CryptoIdGenerator.js';
import { Hs256TokenService } from '../adapters/security/Hs256TokenService.js';
import { JoseTokenService } from '../adapters/security/JoseTokenService.js';
import {
  loadSigningKeys,
  publicJwks,
  type PublicJwk,
  type TokenSigning,
} from '../adapters/security/signingKeys.js';
import { MultiFormatPasswordHasher } from '../adapters/security/MultiFormatPasswordHasher.js';
import { ThrottledPasswordHasher } from '../adapters/security/ThrottledPasswordHasher.js';
import type { LimitName, PrometheusMetrics } from '../adapters/metrics/PrometheusMetrics.js';
import {
  CLOCK_TOLERANCE_SECONDS,
  type AttemptLimiter,
  type AuditLog,
  type Clock,
  type IdGenerator,
  type PasswordHasher,
  type RefreshTokens,
  type RevokedTokens,
  type SessionLookup,
  type TokenService,
  type UserRepository,
  type WidgetRepository,
} from '../domain/index.js';

/** A service identifier that remembers the type bound to it. */
type Token<T> = ServiceIdentifier<T> & symbol;
const token = <T>(name: string) => Symbol.for(name) as Token<T>;

export const TOKENS = {
  Config: token<Config>('Config'),
  Logger: token<Logger>('Logger'),
  Knex: token<Knex>('Knex'),
  /** Bound only with RATE_LIMIT_STORE=redis: the client the attempt counters use. */
  Redis: token<Redis>('Redis'),
  Clock: token<Clock>('Clock'),
  AuditLog: token<AuditLog>('AuditLog'),
  IdGenerator: token<IdGenerator>('IdGenerator'),
  UserRepository: token<UserRepository>('UserRepository'),
  RevokedTokens: token<RevokedTokens>('RevokedTokens'),
  SessionLookup: token<SessionLookup>('SessionLookup'),
  /** Bound whatever REFRESH_TOKENS says: the purge deletes expired rows after it is turned off. */
  RefreshTokens: token<RefreshTokens>('RefreshTokens'),
  WidgetRepository: token<WidgetRepository>('WidgetRepository'),
  PasswordHasher: token<PasswordHasher>('PasswordHasher'),
  TokenService: token<TokenService>('TokenService'),
  /** The HS256 secret, or the EdDSA/ES256 key pair and retired keys (read when first needed). */
  TokenSigning: token<TokenSigning>('TokenSigning'),
  /** What /.well-known/jwks.json publishes: the public keys, current first; none with HS256. */
  PublicJwks: token<readonly PublicJwk[]>('PublicJwks'),
  AccessTokenIssuer: token<AccessTokenIssuer>('AccessTokenIssuer'),
  AddUser: token<AddUser>('AddUser'),
  RegisterUser: token<RegisterUser>('RegisterUser'),
  LogIn: token<LogIn>('LogIn'),
  LogOut: token<LogOut>('LogOut'),
  LogOutEverywhere: token<LogOutEverywhere>('LogOutEverywhere'),
  /** Bound only with REFRESH_TOKENS=on. */
  RefreshSession: token<RefreshSession>('RefreshSession'),
  ConfirmPassword: token<ConfirmPassword>('ConfirmPassword'),
  ChangePassword: token<ChangePassword>('ChangePassword'),
  GetCurrentUser: token<GetCurrentUser>('GetCurrentUser'),
  AuthenticateRequest: token<AuthenticateRequest>('AuthenticateRequest'),
  DeleteOwnAccount: token<DeleteOwnAccount>('DeleteOwnAccount'),
  ListUsers: token<ListUsers>('ListUsers'),
  GetUser: token<GetUser>('GetUser'),
  ChangeAdminRights: token<ChangeAdminRights>('ChangeAdminRights'),
  DeleteUser: token<DeleteUser>('DeleteUser'),
  PurgeRevokedTokens: token<PurgeRevokedTokens>('PurgeRevokedTokens'),
  CreateWidget: token<CreateWidget>('CreateWidget'),
  GetWidget: token<GetWidget>('GetWidget'),
  ListWidgets: token<ListWidgets>('ListWidgets'),
  PutWidget: token<PutWidget>('PutWidget'),
  DeleteWidget: token<DeleteWidget>('DeleteWidget'),
  /** Failed logins per account. */
  LoginFailureLimiter: token<AttemptLimiter>('LoginFailureLimiter'),
  /** Login and register requests per client address. */
  AuthRequestLimiter: token<AttemptLimiter>('AuthRequestLimiter'),
} as const;

/** The brute-force window of the contract: 15 minutes. */
export const AUTH_LIMIT_WINDOW_SECONDS = 15 * 60;

/**
 * One hash at a time per core, leaving the rest of libuv's thread pool to everything else. With
 * several workers each may still hash on every core: connections are shared out between workers
 * by count, not by load, and a worker that holds most of the logins must not be held to its share
 * of the cores (sharing them out halved the login rate in a bench run where it did). What keeps
 * the workers together to one hash per core is the primary's slots (`clusterSlotGate` below).
 */
function hashingSlots(): number {
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  return Math.max(1, Math.min(availableParallelism(), threads - 1));
}

/**
 * Hashes with PASSWORD_HASHER and still verifies the other format, so switching locks nobody out;
 * each account moves to the configured algorithm and cost at its next login.
 */
function passwordHasher(config: Config): PasswordHasher {
  const bcrypt = new BcryptPasswordHasher(config.bcryptCost);
  const argon2id = new Argon2PasswordHasher(config.argon2);
  return config.passwordHasher === 'argon2id'
    ? new MultiFormatPasswordHasher(argon2id, [bcrypt])
    : new MultiFormatPasswordHasher(bcrypt, [argon2id]);
}

/**
 * The composition root: the only place that knows adapters and use cases together. To swap an
 * adapter (another database, another hasher), rebind its port token here — nothing else changes.
 * Audit lines go to `auditLogger` (the CLI sends them apart from its plain output).
 */
export function buildContainer(
  config: Config,
  logger: Logger,
  auditLogger: Logger = logger,
  /** With METRICS_PORT: the hasher and the limiters report to it. */
  metrics: PrometheusMetrics | null = null,
): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  const hasher = passwordHasher(config);
  const metered = (limiter: AttemptLimiter, name: LimitName) =>
    metrics?.meterAttemptLimiter(limiter, name) ?? limiter;

  c.bind(TOKENS.Config).toConstantValue(config);
  c.bind(TOKENS.Logger).toConstantValue(logger);
  c.bind(TOKENS.Knex).toResolvedValue(() => createKnex(config.databaseUrl, knexLogger(logger)));
  c.bind(TOKENS.Clock).toConstantValue(new SystemClock());
  c.bind(TOKENS.AuditLog).toConstantValue(new PinoAuditLog(auditLogger));
  c.bind(TOKENS.IdGenerator).toConstantValue(new CryptoIdGenerator());
  c.bind(TOKENS.PasswordHasher).toConstantValue(
    // Metered inside the throttle: the histogram times the hashing, not the queue before it.
    new ThrottledPasswordHasher(
      metrics?.meterPasswordHasher(hasher) ?? hasher,
      hashingSlots(),
      cluster.isWorker ? clusterSlotGate(process) : undefined,
    ),
  );
  bindAttemptLimiters(c, config, metered);
  c.bind(TOKENS.UserRepository).toResolvedValue(
    (knex: Knex) => new KnexUserRepository(knex),
    [TOKENS.Knex],
  );
  c.bind(TOKENS.RevokedTokens).toResolvedValue(
    (knex: Knex) => new KnexRevokedTokens(knex),
    [TOKENS.Knex],
  );
  c.bind(TOKENS.RefreshTokens).toResolvedValue(
    (knex: Knex, clock: Clock) => new KnexRefreshTokens(knex, clock),
    [TOKENS.Knex, TOKENS.Clock],
  );
  c.bind(TOKENS.SessionLookup).toResolvedValue(
    (knex: Knex) => new KnexSessionLookup(knex),
    [TOKENS.Knex],
  );
  c.bind(TOKENS.WidgetRepository).toResolvedValue(
    (knex: Knex) => new KnexWidgetRepository(knex),
    [TOKENS.Knex],
  );
  c.bind(TOKENS.TokenSigning).toResolvedValue(() => tokenSigning(config));
  c.bind(TOKENS.PublicJwks).toResolvedValue(
    (signing: TokenSigning) => (signing.alg === 'HS256' ? [] : publicJwks(signing)),
    [TOKENS.TokenSigning],
  );
  c.bind(TOKENS.TokenService).toResolvedValue(
    (clock: Clock, signing: TokenSigning) => {
      const rules = {
        issuer: config.jwtIssuer,
        audience: config.jwtAudience,
        toleranceSeconds: CLOCK_TOLERANCE_SECONDS,
        clock,
      };
      return signing.alg === 'HS256'
        ? new Hs256TokenService({ ...rules, secret: signing.secret })
        : new JoseTokenService({ ...rules, signing });
    },
    [TOKENS.Clock, TOKENS.TokenSigning],
  );

  // With REFRESH_TOKENS=off only a logout (ending a family started while it was on) and the
  // hourly purge call the store: every other request makes the queries it made before.
  const { refresh } = config;
  c.bind(TOKENS.AccessTokenIssuer).toResolvedValue(
    (tokens: TokenService, clock: Clock, ids: IdGenerator, store: RefreshTokens) =>
      new AccessTokenIssuer(
        tokens,
        clock,
        ids,
        config.tokenTtlSeconds,
        refresh && { store, policy: refresh },
      ),
    [TOKENS.TokenService, TOKENS.Clock, TOKENS.IdGenerator, TOKENS.RefreshTokens],
  );
  c.bind(TOKENS.AddUser).toResolvedValue(
    (
      users: UserRepository,
      hasher: PasswordHasher,
      clock: Clock,
      ids: IdGenerator,
      audit: AuditLog,
    ) => new AddUser(users, hasher, clock, ids, audit),
    [
      TOKENS.UserRepository,
      TOKENS.PasswordHasher,
      TOKENS.Clock,
      TOKENS.IdGenerator,
      TOKENS.AuditLog,
    ],
  );
  c.bind(TOKENS.RegisterUser).toResolvedValue(
    (addUser: AddUser, issuer: AccessTokenIssuer) => new RegisterUser(addUser, issuer),
    [TOKENS.AddUser, TOKENS.AccessTokenIssuer],
  );
  c.bind(TOKENS.LogIn).toResolvedValue(
    (
      users: UserRepository,
      hasher: PasswordHasher,
      issuer: AccessTokenIssuer,
      failures: AttemptLimiter,
      audit: AuditLog,
    ) => new LogIn(users, hasher, issuer, failures, audit),
    [
      TOKENS.UserRepository,
      TOKENS.PasswordHasher,
      TOKENS.AccessTokenIssuer,
      TOKENS.LoginFailureLimiter,
      TOKENS.AuditLog,
    ],
  );
  c.bind(TOKENS.LogOut).toResolvedValue(
    (revoked: RevokedTokens, audit: AuditLog, store: RefreshTokens, clock: Clock) =>
      new LogOut(revoked, audit, { store, clock }),
    [TOKENS.RevokedTokens, TOKENS.AuditLog, TOKENS.RefreshTokens, TOKENS.Clock],
  );
  if (refresh) {
    c.bind(TOKENS.RefreshSession).toResolvedValue(
      (issuer: AccessTokenIssuer, audit: AuditLog) => new RefreshSession(issuer, audit),
      [TOKENS.AccessTokenIssuer, TOKENS.AuditLog],
    );
  }
  c.bind(TOKENS.LogOutEverywhere).toResolvedValue(
    (users: UserRepository, audit: AuditLog) => new LogOutEverywhere(users, audit),
    [TOKENS.UserRepository, TOKENS.AuditLog],
  );
  // The per-account limiter of LogIn: a wrong current password counts like a failed login.
  c.bind(TOKENS.ConfirmPassword).toResolvedValue(
    (hasher: PasswordHasher, failures: AttemptLimiter) => new ConfirmPassword(hasher, failures),
    [TOKENS.PasswordHasher, TOKENS.LoginFailureLimiter],
  );
  c.bind(TOKENS.ChangePassword).toResolvedValue(
    (
      users: UserRepository,
      hasher: PasswordHasher,
      confirm: ConfirmPassword,
      issuer: AccessTokenIssuer,
      audit: AuditLog,
    ) => new ChangePassword(users, hasher, confirm, issuer, audit),
    [
      TOKENS.UserRepository,
      TOKENS.PasswordHasher,
      TOKENS.ConfirmPassword,
      TOKENS.AccessTokenIssuer,
      TOKENS.AuditLog,
    ],
  );
  c.bind(TOKENS.GetCurrentUser).toResolvedValue(
    (clock: Clock) => new GetCurrentUser(clock),
    [TOKENS.Clock],
  );
  c.bind(TOKENS.AuthenticateRequest).toResolvedValue(
    (tokens: TokenService, sessions: SessionLookup) => new AuthenticateRequest(tokens, sessions),
    [TOKENS.TokenService, TOKENS.SessionLookup],
  );
  c.bind(TOKENS.DeleteOwnAccount).toResolvedValue(
    (confirm: ConfirmPassword, users: UserRepository, audit: AuditLog) =>
      new DeleteOwnAccount(confirm, users, audit),
    [TOKENS.ConfirmPassword, TOKENS.UserRepository, TOKENS.AuditLog],
  );
  c.bind(TOKENS.ListUsers).toResolvedValue(
    (users: UserRepository) => new ListUsers(users),
    [TOKENS.UserRepository],
  );
  c.bind(TOKENS.GetUser).toResolvedValue(
    (users: UserRepository) => new GetUser(users),
    [TOKENS.UserRepository],
  );
  c.bind(TOKENS.ChangeAdminRights).toResolvedValue(
    (users: UserRepository, audit: AuditLog) => new ChangeAdminRights(users, audit),
    [TOKENS.UserRepository, TOKENS.AuditLog],
  );
  c.bind(TOKENS.DeleteUser).toResolvedValue(
    (users: UserRepository, audit: AuditLog) => new DeleteUser(users, audit),
    [TOKENS.UserRepository, TOKENS.AuditLog],
  );
  c.bind(TOKENS.PurgeRevokedTokens).toResolvedValue(
    // The store whatever REFRESH_TOKENS says: rows written while it was on still expire.
    (revoked: RevokedTokens, clock: Clock, refreshTokens: RefreshTokens) =>
      new PurgeRevokedTokens(revoked, clock, refreshTokens),
    [TOKENS.RevokedTokens, TOKENS.Clock, TOKENS.RefreshTokens],
  );
  c.bind(TOKENS.CreateWidget).toResolvedValue(
    (widgets: WidgetRepository, clock: Clock) => new CreateWidget(widgets, clock),
    [TOKENS.WidgetRepository, TOKENS.Clock],
  );
  c.bind(TOKENS.GetWidget).toResolvedValue(
    (widgets: WidgetRepository) => new GetWidget(widgets),
    [TOKENS.WidgetRepository],
  );
  c.bind(TOKENS.ListWidgets).toResolvedValue(
    (widgets: WidgetRepository) => new ListWidgets(widgets),
    [TOKENS.WidgetRepository],
  );
  c.bind(TOKENS.PutWidget).toResolvedValue(
    (widgets: WidgetRepository, clock: Clock) => new PutWidget(widgets, clock),
    [TOKENS.WidgetRepository, TOKENS.Clock],
  );
  c.bind(TOKENS.DeleteWidget).toResolvedValue(
    (widgets: WidgetRepository) => new DeleteWidget(widgets),
    [TOKENS.WidgetRepository],
  );
  return c;
}

/**
 * The login and register counters: in the database (default), or in Redis, which takes their
 * writes off the database and is shared by every instance pointed at it.
 */
function bindAttemptLimiters(
  c: Container,
  config: Config,
  metered: (limiter: AttemptLimiter, name: LimitName) => AttemptLimiter,
): void {
  const limits = [
    [TOKENS.LoginFailureLimiter, 'account', { scope: 'login', max: config.loginMaxFailures }],
    [TOKENS.AuthRequestLimiter, 'client', { scope: 'client', max: config.authMaxRequests }],
  ] as const;
  if (config.rateLimitStore === 'redis') {
    c.bind(TOKENS.Redis).toResolvedValue(() => createRedis(config.redisUrl));
  }
  for (const [id, name, limit] of limits) {
    const attemptLimit = { ...limit, windowSeconds: AUTH_LIMIT_WINDOW_SECONDS };
    if (config.rateLimitStore === 'redis') {
      c.bind(id).toResolvedValue(
        (redis: Redis, clock: Clock) =>
          metered(new RedisAttemptLimiter(redis, clock, attemptLimit, config.redisKeyPrefix), name),
        [TOKENS.Redis, TOKENS.Clock],
      );
    } else {
      c.bind(id).toResolvedValue(
        (knex: Knex, clock: Clock) =>
          metered(new KnexAttemptLimiter(knex, clock, attemptLimit), name),
        [TOKENS.Knex, TOKENS.Clock],
      );
    }
  }
}

/** HS256 signs with the secret; EdDSA/ES256 read their key files (a one-line Error if unusable). */
function tokenSigning(config: Config): TokenSigning {
  if (config.jwtAlg === 'HS256') return { alg: 'HS256', secret: config.jwtSecret };
  if (config.jwtPrivateKeyFile === null) {
    throw new ConfigError(`JWT_PRIVATE_KEY_FILE is required with JWT_ALG=${config.jwtAlg}`);
  }
  return loadSigningKeys(config.jwtAlg, config.jwtPrivateKeyFile, config.jwtPreviousKeysFile);
}
