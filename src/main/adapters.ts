import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Container } from 'inversify';
import type { Logger } from 'pino';
import { SystemClock } from '../adapters/clock/SystemClock.js';
import type { Config } from '../adapters/config/config.js';
import { PinoAuditLog } from '../adapters/logging/PinoAuditLog.js';
import type { PrometheusMetrics } from '../adapters/metrics/PrometheusMetrics.js';
import { createKnex, knexLogger } from '../adapters/persistence/knex/createKnex.js';
import { KnexAttemptLimiter } from '../adapters/persistence/knex/KnexAttemptLimiter.js';
import { KnexRefreshTokens } from '../adapters/persistence/knex/KnexRefreshTokens.js';
import { KnexRevokedTokens } from '../adapters/persistence/knex/KnexRevokedTokens.js';
import { KnexSessionLookup } from '../adapters/persistence/knex/KnexSessionLookup.js';
import { KnexUserRepository } from '../adapters/persistence/knex/KnexUserRepository.js';
import { KnexWidgetRepository } from '../adapters/persistence/knex/KnexWidgetRepository.js';
import { createRedis } from '../adapters/redis/createRedis.js';
import { RedisAttemptLimiter } from '../adapters/redis/RedisAttemptLimiter.js';
import { Argon2PasswordHasher } from '../adapters/security/Argon2PasswordHasher.js';
import { BcryptPasswordHasher } from '../adapters/security/BcryptPasswordHasher.js';
import { clusterSlotGate } from '../adapters/security/clusterHashingSlots.js';
import { CryptoIdGenerator } from '../adapters/security/CryptoIdGenerator.js';
import { Hs256TokenService } from '../adapters/security/Hs256TokenService.js';
import { JoseTokenService } from '../adapters/security/JoseTokenService.js';
import { MultiFormatPasswordHasher } from '../adapters/security/MultiFormatPasswordHasher.js';
import {
  loadSigningKeys,
  publicJwks,
  type TokenSigning,
} from '../adapters/security/signingKeys.js';
import { ThrottledPasswordHasher } from '../adapters/security/ThrottledPasswordHasher.js';
import {
  CLOCK_TOLERANCE_SECONDS,
  type AttemptLimiter,
  type PasswordHasher,
} from '../domain/index.js';
import { bindClass, bindResolved, TOKENS } from './tokens.js';

/** The brute-force window of the contract: 15 minutes. */
const AUTH_LIMIT_WINDOW_SECONDS = 15 * 60;
/** Any valid cost: a hasher that only verifies reads the cost each hash records. */
const BCRYPT_LEAST_COST = 4;

/**
 * The ports' adapters: storage, clock, ids, audit, hashing, signing and the attempt counters.
 * Audit lines go to `auditLogger`; with `metrics`, the hasher and the limiters report to it.
 */
export function bindAdapters(
  c: Container,
  config: Config,
  logger: Logger,
  auditLogger: Logger,
  metrics: PrometheusMetrics | null,
): void {
  c.bind(TOKENS.Knex).toResolvedValue(() => createKnex(config.database.url, knexLogger(logger)));
  c.bind(TOKENS.Clock).toConstantValue(new SystemClock());
  c.bind(TOKENS.AuditLog).toConstantValue(new PinoAuditLog(auditLogger));
  c.bind(TOKENS.IdGenerator).toConstantValue(new CryptoIdGenerator());
  const hasher = passwordHasher(config);
  c.bind(TOKENS.PasswordHasher).toConstantValue(
    // Metered inside the throttle: the histogram times the hashing, not the queue before it.
    new ThrottledPasswordHasher(
      metrics?.meterPasswordHasher(hasher) ?? hasher,
      hashingSlots(config.runtime.threadpoolSize),
      cluster.isWorker ? clusterSlotGate(process) : undefined,
    ),
  );
  bindResolved(c, TOKENS.UserRepository, [TOKENS.Knex], (knex) => new KnexUserRepository(knex));
  bindResolved(c, TOKENS.RevokedTokens, [TOKENS.Knex], (knex) => new KnexRevokedTokens(knex));
  bindClass(c, TOKENS.RefreshTokens, [TOKENS.Knex, TOKENS.Clock], KnexRefreshTokens);
  bindResolved(c, TOKENS.SessionLookup, [TOKENS.Knex], (knex) => new KnexSessionLookup(knex));
  bindResolved(c, TOKENS.WidgetRepository, [TOKENS.Knex], (knex) => new KnexWidgetRepository(knex));
  bindSigning(c, config);
  bindAttemptLimiters(c, config, metrics);
}

/**
 * One hash at a time per core, leaving the rest of libuv's thread pool to everything else. With
 * several workers each may still hash on every core: connections are shared out between workers
 * by count, not by load, and a worker that holds most of the logins must not be held to its share
 * of the cores (sharing them out halved the login rate in a bench run where it did). What keeps
 * the workers together to one hash per core is the primary's slots (`clusterSlotGate` above).
 */
function hashingSlots(threadpoolSize: number): number {
  return Math.max(1, Math.min(availableParallelism(), threadpoolSize - 1));
}

/**
 * Hashes with PASSWORD_HASHER and still verifies the other format, so switching locks nobody out;
 * each account moves to the configured algorithm and cost at its next login. The other hasher
 * only verifies, with the parameters each hash records: its own are never used.
 */
function passwordHasher({ passwords }: Config): PasswordHasher {
  if (passwords.hasher === 'argon2id') {
    const verifiesOnly = new BcryptPasswordHasher(BCRYPT_LEAST_COST);
    return new MultiFormatPasswordHasher(new Argon2PasswordHasher(passwords.argon2), [
      verifiesOnly,
    ]);
  }
  return new MultiFormatPasswordHasher(new BcryptPasswordHasher(passwords.cost), [
    new Argon2PasswordHasher(),
  ]);
}

/** HS256 signs with the secret; EdDSA/ES256 read their key files when first needed. */
function bindSigning(c: Container, { signing, tokens }: Config): void {
  c.bind(TOKENS.TokenSigning).toResolvedValue((): TokenSigning =>
    signing.alg === 'HS256'
      ? { alg: 'HS256', secret: signing.secret }
      : loadSigningKeys(signing.alg, signing.privateKeyFile, signing.previousKeysFile),
  );
  bindResolved(c, TOKENS.PublicJwks, [TOKENS.TokenSigning], (keys) =>
    keys.alg === 'HS256' ? [] : publicJwks(keys),
  );
  bindResolved(c, TOKENS.TokenService, [TOKENS.Clock, TOKENS.TokenSigning], (clock, keys) => {
    const rules = {
      issuer: tokens.issuer,
      audience: tokens.audience,
      toleranceSeconds: CLOCK_TOLERANCE_SECONDS,
      clock,
    };
    return keys.alg === 'HS256'
      ? new Hs256TokenService({ ...rules, secret: keys.secret })
      : new JoseTokenService({ ...rules, signing: keys });
  });
}

/**
 * The login and register counters: in the database (default), or in Redis, which takes their
 * writes off the database and is shared by every instance pointed at it.
 */
function bindAttemptLimiters(
  c: Container,
  { limits }: Config,
  metrics: PrometheusMetrics | null,
): void {
  const counted = [
    [TOKENS.LoginFailureLimiter, 'account', { scope: 'login', max: limits.loginMaxFailures }],
    [TOKENS.AuthRequestLimiter, 'client', { scope: 'client', max: limits.authMaxRequests }],
  ] as const;
  const { store } = limits;
  if (store.kind === 'redis') {
    c.bind(TOKENS.Redis).toResolvedValue(() => createRedis(store.url));
  }
  for (const [id, name, limit] of counted) {
    const attemptLimit = { ...limit, windowSeconds: AUTH_LIMIT_WINDOW_SECONDS };
    const metered = (limiter: AttemptLimiter) =>
      metrics?.meterAttemptLimiter(limiter, name) ?? limiter;
    if (store.kind === 'redis') {
      bindResolved(c, id, [TOKENS.Redis, TOKENS.Clock], (redis, clock) =>
        metered(new RedisAttemptLimiter(redis, clock, attemptLimit, store.keyPrefix)),
      );
    } else {
      bindResolved(c, id, [TOKENS.Knex, TOKENS.Clock], (knex, clock) =>
        metered(new KnexAttemptLimiter(knex, clock, attemptLimit)),
      );
    }
  }
}
