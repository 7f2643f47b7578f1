import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/adapters/config/config.js';
import type { Config } from '../../../src/adapters/config/config.js';
import { expect } from '../../support/chai.js';

const GOOD_SECRET = 'q3V9x2Lk8Jd0Rt5Yw7Bn4Mz1Pc6Hf0Ga';

/** Loads from `env` only: no .env file, no process.env. */
const load = (env: NodeJS.ProcessEnv): Config => loadConfig(env, { envFile: false });
const production = (env: NodeJS.ProcessEnv = {}): Config =>
  load({ NODE_ENV: 'production', JWT_SECRET: GOOD_SECRET, ...env });

/** Asserts a one-line ConfigError matching `pattern` that does not contain `secret`. */
function expectConfigError(env: NodeJS.ProcessEnv, pattern: RegExp, secret?: string): void {
  let error: unknown;
  try {
    load(env);
  } catch (caught) {
    error = caught;
  }
  expect(error, 'expected a ConfigError').to.be.instanceOf(ConfigError);
  const { message } = error as ConfigError;
  expect(message).to.match(pattern);
  expect(message).not.to.match(/[\r\n]/);
  if (secret !== undefined) expect(message).not.to.include(secret);
}

describe('loadConfig', () => {
  describe('defaults', () => {
    it('development by default', () => {
      const { signing, ...config } = load({});
      expect(signing.alg === 'HS256' && signing.secret).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(signing).to.include({ alg: 'HS256', generatedSecret: true });
      expect(config).to.deep.equal({
        env: 'development',
        logLevel: 'info',
        runtime: { workers: 1, threadpoolSize: 4 },
        http: {
          host: '127.0.0.1',
          port: 3000,
          metricsPort: null,
          authRealm: 'gatehouse',
          corsOrigins: [],
          trustProxy: false,
          headersTimeoutMs: 10_000,
          requestTimeoutMs: 30_000,
        },
        database: { url: 'sqlite:./var/gatehouse.sqlite' },
        tokens: { ttlSeconds: 900, issuer: 'gatehouse', audience: 'gatehouse', refresh: null },
        passwords: { hasher: 'bcrypt', cost: 10 },
        limits: { loginMaxFailures: 10, authMaxRequests: 300, store: { kind: 'database' } },
      });
    });

    it('test', () => {
      const config = load({ NODE_ENV: 'test' });
      expect(config).to.include({ env: 'test', logLevel: 'silent' });
      expect(config.http.host).to.equal('127.0.0.1');
      expect(config.database.url).to.equal('sqlite:./var/gatehouse-test.sqlite');
      expect(config.signing).to.include({ alg: 'HS256', generatedSecret: true });
      expect(config.tokens.ttlSeconds).to.equal(900);
      expect(config.passwords).to.deep.equal({ hasher: 'bcrypt', cost: 4 });
    });

    it('production', () => {
      const config = production();
      expect(config).to.include({ env: 'production', logLevel: 'info' });
      expect(config.http).to.include({ host: '0.0.0.0', port: 3000 });
      expect(config.database.url).to.equal('sqlite:./var/gatehouse.sqlite');
      expect(config.signing).to.deep.equal({
        alg: 'HS256',
        secret: GOOD_SECRET,
        generatedSecret: false,
      });
      expect(config.tokens.ttlSeconds).to.equal(3600);
      expect(config.passwords).to.deep.equal({ hasher: 'bcrypt', cost: 12 });
    });

    it('generates a different secret per load in development', () => {
      expect(load({}).signing).not.to.deep.equal(load({}).signing);
    });

    it('treats empty values as unset', () => {
      const config = load({ PORT: '', BCRYPT_COST: '  ', JWT_SECRET: '' });
      expect(config.http.port).to.equal(3000);
      expect(config.passwords).to.deep.equal({ hasher: 'bcrypt', cost: 10 });
      expect(config.signing).to.include({ generatedSecret: true });
    });
  });

  describe('overrides', () => {
    it('reads every variable', () => {
      const config = production({
        HOST: '::',
        PORT: '8080',
        METRICS_PORT: '9464',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
        TOKEN_TTL_SECONDS: '60',
        BCRYPT_COST: '13',
        AUTH_REALM: 'example',
        JWT_ISSUER: 'https://auth.example.com',
        JWT_AUDIENCE: 'widgets',
        CORS_ORIGINS: ' https://a.example.com , http://localhost:5173/,,HTTPS://B.Example.com:443',
        LOG_LEVEL: 'DEBUG',
        TRUST_PROXY: 'yes',
        LOGIN_MAX_FAILURES: '0',
        AUTH_MAX_REQUESTS: '0',
        PASSWORD_HASHER: 'bcrypt',
        ARGON2_MEMORY_KIB: '65536',
        ARGON2_TIME_COST: '3',
        ARGON2_PARALLELISM: '4',
        JWT_ALG: 'HS256',
        JWT_PRIVATE_KEY_FILE: '/nonexistent/key.pem',
        JWT_PREVIOUS_KEYS_FILE: '/nonexistent/keys.json',
        WEB_CONCURRENCY: '3',
        HEADERS_TIMEOUT_MS: '5000',
        REQUEST_TIMEOUT_MS: '20000',
        RATE_LIMIT_STORE: 'Redis',
        REDIS_URL: 'rediss://:pw@cache.example.com:6380/2',
        REDIS_KEY_PREFIX: 'gh-eu:',
        REFRESH_TOKENS: 'on',
        REFRESH_TOKEN_TTL_SECONDS: '86400',
        REFRESH_REUSE_GRACE_SECONDS: '0',
      });
      expect(config).to.deep.equal({
        env: 'production',
        logLevel: 'debug',
        runtime: { workers: 3, threadpoolSize: 4 },
        http: {
          host: '::',
          port: 8080,
          metricsPort: 9464,
          authRealm: 'example',
          corsOrigins: ['https://a.example.com', 'http://localhost:5173', 'https://b.example.com'],
          trustProxy: true,
          headersTimeoutMs: 5000,
          requestTimeoutMs: 20_000,
        },
        database: { url: 'postgres://postgres@127.0.0.1:5432/test' },
        tokens: {
          ttlSeconds: 60,
          issuer: 'https://auth.example.com',
          audience: 'widgets',
          refresh: { ttlSeconds: 86_400, reuseGraceSeconds: 0 },
        },
        // HS256 ignores the key files; bcrypt keeps its cost (the ARGON2_* values were checked).
        signing: { alg: 'HS256', secret: GOOD_SECRET, generatedSecret: false },
        passwords: { hasher: 'bcrypt', cost: 13 },
        limits: {
          loginMaxFailures: 0,
          authMaxRequests: 0,
          store: {
            kind: 'redis',
            url: 'rediss://:pw@cache.example.com:6380/2',
            keyPrefix: 'gh-eu:',
          },
        },
      });
    });

    it('turns refresh tokens on with a 30-day lifetime and 10 s of grace by default', () => {
      expect(load({ REFRESH_TOKENS: 'on' }).tokens.refresh).to.deep.equal({
        ttlSeconds: 2_592_000,
        reuseGraceSeconds: 10,
      });
    });

    it('accepts on/off and every spelling of TRUST_PROXY for REFRESH_TOKENS', () => {
      for (const value of ['on', 'ON', '1', 'true', 'Yes']) {
        expect(load({ REFRESH_TOKENS: value }).tokens.refresh, value).not.to.equal(null);
      }
      for (const value of ['off', 'Off', '0', 'false', 'no', ' ']) {
        expect(load({ REFRESH_TOKENS: value }).tokens.refresh, value).to.equal(null);
      }
    });

    it('takes WEB_CONCURRENCY=auto as one worker per core', () => {
      expect(load({ WEB_CONCURRENCY: 'auto' }).runtime.workers).to.equal(availableParallelism());
      expect(load({ WEB_CONCURRENCY: ' AUTO ' }).runtime.workers).to.equal(availableParallelism());
    });

    it('gives the whole request at least as long as its headers by default', () => {
      expect(load({ HEADERS_TIMEOUT_MS: '45000' }).http).to.include({
        headersTimeoutMs: 45_000,
        requestTimeoutMs: 45_000,
      });
    });

    it('accepts every spelling of TRUST_PROXY', () => {
      for (const value of ['1', 'true', 'YES', 'True']) {
        expect(load({ TRUST_PROXY: value }).http.trustProxy, value).to.equal(true);
      }
      for (const value of ['0', 'false', 'No']) {
        expect(load({ TRUST_PROXY: value }).http.trustProxy, value).to.equal(false);
      }
    });

    it('accepts the edges of each range', () => {
      expect(load({ PORT: '0' }).http.port).to.equal(0);
      expect(load({ PORT: '65535' }).http.port).to.equal(65535);
      expect(load({ METRICS_PORT: '0' }).http.metricsPort).to.equal(0);
      expect(load({ BCRYPT_COST: '4' }).passwords).to.deep.equal({ hasher: 'bcrypt', cost: 4 });
      expect(load({ BCRYPT_COST: '31' }).passwords).to.deep.equal({ hasher: 'bcrypt', cost: 31 });
      expect(load({ TOKEN_TTL_SECONDS: '1' }).tokens.ttlSeconds).to.equal(1);
      const refresh = (ttl: string, grace: string) =>
        load({
          REFRESH_TOKENS: 'on',
          REFRESH_TOKEN_TTL_SECONDS: ttl,
          REFRESH_REUSE_GRACE_SECONDS: grace,
        }).tokens.refresh;
      expect(refresh('1', '0')).to.deep.equal({ ttlSeconds: 1, reuseGraceSeconds: 0 });
      expect(refresh('31622400', '300')).to.deep.equal({
        ttlSeconds: 31_622_400,
        reuseGraceSeconds: 300,
      });
      expect(load({ DATABASE_URL: 'sqlite::memory:' }).database.url).to.equal('sqlite::memory:');
    });

    it('reads UV_THREADPOOL_SIZE as libuv does, from the real environment only', () => {
      const size = (value: string | undefined) =>
        load({ UV_THREADPOOL_SIZE: value }).runtime.threadpoolSize;
      expect(size(undefined)).to.equal(4);
      expect(size('8')).to.equal(8);
      expect(size(' 16')).to.equal(16);
      expect(size('0')).to.equal(1);
      expect(size('many')).to.equal(1);
      expect(size('4096')).to.equal(1024);
    });

    it('accepts any non-empty secret outside production', () => {
      expect(load({ JWT_SECRET: 'secret' }).signing).to.deep.equal({
        alg: 'HS256',
        secret: 'secret',
        generatedSecret: false,
      });
    });
  });

  describe('errors', () => {
    const cases: [string, NodeJS.ProcessEnv, RegExp][] = [
      [
        'NODE_ENV',
        { NODE_ENV: 'staging' },
        /^NODE_ENV must be one of development, test, production$/,
      ],
      ['PORT', { PORT: 'http' }, /^PORT must be an integer from 0 to 65535$/],
      ['PORT too big', { PORT: '65536' }, /^PORT must be an integer from 0 to 65535$/],
      ['PORT negative', { PORT: '-1' }, /^PORT must be an integer from 0 to 65535$/],
      ['PORT fractional', { PORT: '80.5' }, /^PORT must be an integer/],
      ['PORT hex', { PORT: '0x50' }, /^PORT must be an integer/],
      ['METRICS_PORT', { METRICS_PORT: 'on' }, /^METRICS_PORT must be an integer from 0 to 65535$/],
      [
        'TOKEN_TTL_SECONDS 0',
        { TOKEN_TTL_SECONDS: '0' },
        /^TOKEN_TTL_SECONDS must be an integer from 1 to 31622400$/,
      ],
      [
        'TOKEN_TTL_SECONDS over a year',
        { TOKEN_TTL_SECONDS: String(367 * 86_400) },
        /^TOKEN_TTL_SECONDS must be an integer from 1 to 31622400$/,
      ],
      ['TOKEN_TTL_SECONDS text', { TOKEN_TTL_SECONDS: '1h' }, /^TOKEN_TTL_SECONDS must be/],
      ['BCRYPT_COST low', { BCRYPT_COST: '3' }, /^BCRYPT_COST must be an integer from 4 to 31$/],
      ['BCRYPT_COST high', { BCRYPT_COST: '32' }, /^BCRYPT_COST must be an integer from 4 to 31$/],
      [
        'LOGIN_MAX_FAILURES',
        { LOGIN_MAX_FAILURES: '-1' },
        /^LOGIN_MAX_FAILURES must be an integer of at least 0$/,
      ],
      [
        'AUTH_MAX_REQUESTS',
        { AUTH_MAX_REQUESTS: 'many' },
        /^AUTH_MAX_REQUESTS must be an integer of at least 0$/,
      ],
      [
        'TRUST_PROXY',
        { TRUST_PROXY: 'maybe' },
        /^TRUST_PROXY must be one of 1, true, yes, 0, false, no$/,
      ],
      [
        'REFRESH_TOKENS',
        { REFRESH_TOKENS: 'enabled' },
        /^REFRESH_TOKENS must be one of on, 1, true, yes, off, 0, false, no$/,
      ],
      [
        'REFRESH_TOKEN_TTL_SECONDS 0',
        { REFRESH_TOKENS: 'on', REFRESH_TOKEN_TTL_SECONDS: '0' },
        /^REFRESH_TOKEN_TTL_SECONDS must be an integer from 1 to 31622400$/,
      ],
      [
        'REFRESH_TOKEN_TTL_SECONDS over a year',
        { REFRESH_TOKEN_TTL_SECONDS: String(367 * 86_400) },
        /^REFRESH_TOKEN_TTL_SECONDS must be an integer from 1 to 31622400$/,
      ],
      [
        'REFRESH_TOKEN_TTL_SECONDS text (even with refresh tokens off)',
        { REFRESH_TOKEN_TTL_SECONDS: '30d' },
        /^REFRESH_TOKEN_TTL_SECONDS must be an integer from 1 to 31622400$/,
      ],
      [
        'REFRESH_REUSE_GRACE_SECONDS negative',
        { REFRESH_TOKENS: 'on', REFRESH_REUSE_GRACE_SECONDS: '-1' },
        /^REFRESH_REUSE_GRACE_SECONDS must be an integer from 0 to 300$/,
      ],
      [
        'REFRESH_REUSE_GRACE_SECONDS over 5 minutes',
        { REFRESH_TOKENS: 'on', REFRESH_REUSE_GRACE_SECONDS: '301' },
        /^REFRESH_REUSE_GRACE_SECONDS must be an integer from 0 to 300$/,
      ],
      [
        'LOG_LEVEL',
        { LOG_LEVEL: 'verbose' },
        /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent$/,
      ],
      [
        'DATABASE_URL',
        { DATABASE_URL: 'mysql://root:hunter2@db/x' },
        /^DATABASE_URL must be postgres:\/\/… or sqlite:<file>$/,
      ],
      ['AUTH_REALM', { AUTH_REALM: 'a"b' }, /^AUTH_REALM must be printable ASCII/],
      ['CORS_ORIGINS path', { CORS_ORIGINS: 'https://a.example.com/app' }, /^CORS_ORIGINS must be/],
      ['CORS_ORIGINS scheme', { CORS_ORIGINS: 'ftp://a.example.com' }, /^CORS_ORIGINS must be/],
      ['CORS_ORIGINS wildcard', { CORS_ORIGINS: '*' }, /^CORS_ORIGINS must be/],
      [
        'PASSWORD_HASHER other',
        { PASSWORD_HASHER: 'md5' },
        /^PASSWORD_HASHER must be one of bcrypt, argon2id$/,
      ],
      [
        'ARGON2_MEMORY_KIB under 8 KiB per lane',
        { ARGON2_PARALLELISM: '4', ARGON2_MEMORY_KIB: '31' },
        /^ARGON2_MEMORY_KIB must be an integer from 32 to 4194304$/,
      ],
      ['ARGON2_TIME_COST 0', { ARGON2_TIME_COST: '0' }, /^ARGON2_TIME_COST must be an integer/],
      [
        'ARGON2_PARALLELISM 0',
        { ARGON2_PARALLELISM: '0' },
        /^ARGON2_PARALLELISM must be an integer from 1 to 255$/,
      ],
      [
        'JWT_ALG EdDSA without a private key file',
        { JWT_ALG: 'EdDSA' },
        /^JWT_PRIVATE_KEY_FILE is required with JWT_ALG=EdDSA$/,
      ],
      ['JWT_ALG other', { JWT_ALG: 'none' }, /^JWT_ALG must be one of HS256, EdDSA, ES256$/],
      [
        'WEB_CONCURRENCY 0',
        { WEB_CONCURRENCY: '0' },
        /^WEB_CONCURRENCY must be auto or an integer from 1 to 256$/,
      ],
      [
        'WEB_CONCURRENCY text',
        { WEB_CONCURRENCY: 'all' },
        /^WEB_CONCURRENCY must be auto or an integer from 1 to 256$/,
      ],
      [
        'WEB_CONCURRENCY too many',
        { WEB_CONCURRENCY: '257' },
        /^WEB_CONCURRENCY must be auto or an integer from 1 to 256$/,
      ],
      [
        'HEADERS_TIMEOUT_MS 0',
        { HEADERS_TIMEOUT_MS: '0' },
        /^HEADERS_TIMEOUT_MS must be an integer of at least 1$/,
      ],
      [
        'REQUEST_TIMEOUT_MS text',
        { REQUEST_TIMEOUT_MS: '30s' },
        /^REQUEST_TIMEOUT_MS must be an integer of at least 1$/,
      ],
      [
        'REQUEST_TIMEOUT_MS under HEADERS_TIMEOUT_MS',
        { HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '4999' },
        /^REQUEST_TIMEOUT_MS must be at least HEADERS_TIMEOUT_MS$/,
      ],
      [
        'RATE_LIMIT_STORE other',
        { RATE_LIMIT_STORE: 'memory' },
        /^RATE_LIMIT_STORE must be one of database, redis$/,
      ],
      [
        'REDIS_URL other scheme',
        { REDIS_URL: 'http://:hunter2@cache:6379' },
        /^REDIS_URL must be redis:\/\/… or rediss:\/\/…$/,
      ],
    ];
    for (const [name, env, pattern] of cases) {
      it(`refuses ${name}`, () => expectConfigError(env, pattern));
    }

    it('never echoes the database URL (it may hold a password)', () => {
      expectConfigError({ DATABASE_URL: 'mysql://root:hunter2@db/x' }, /DATABASE_URL/, 'hunter2');
    });

    it('never echoes the Redis URL (it may hold a password)', () => {
      expectConfigError({ REDIS_URL: 'redis//:hunter2@cache' }, /REDIS_URL/, 'hunter2');
    });

    it('reports every unusable variable at once, one problem each, never the secret', () => {
      const secret = 'Xy7#kq2!Lm9@Zt4$Rw8%Vb3^Nc6&Hd';
      let error: unknown;
      try {
        load({
          NODE_ENV: 'production',
          JWT_SECRET: secret,
          PORT: 'http',
          BCRYPT_COST: '3',
          REDIS_URL: 'http://:hunter2@cache:6379',
        });
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(ConfigError);
      const { problems, message } = error as ConfigError;
      expect(problems).to.deep.equal([
        'PORT must be an integer from 0 to 65535',
        'JWT_SECRET must be at least 32 bytes in production',
        'BCRYPT_COST must be an integer from 4 to 31',
        'REDIS_URL must be redis://… or rediss://…',
      ]);
      expect(message).to.equal(problems.join('; '));
      for (const text of [message, ...problems]) {
        expect(text).not.to.include(secret);
        expect(text).not.to.include('hunter2');
      }
    });

    it('reports only JWT_ALG of the signing section when JWT_ALG itself is unusable', () => {
      expect(() => load({ NODE_ENV: 'production', JWT_ALG: 'none', PORT: 'x' }))
        .to.throw(ConfigError)
        .with.property('problems')
        .that.deep.equals([
          'PORT must be an integer from 0 to 65535',
          'JWT_ALG must be one of HS256, EdDSA, ES256',
        ]);
    });

    it('compares the two timeouts only when both are usable', () => {
      expect(() => load({ HEADERS_TIMEOUT_MS: 'soon', REQUEST_TIMEOUT_MS: '1' }))
        .to.throw(ConfigError)
        .with.property('problems')
        .that.deep.equals(['HEADERS_TIMEOUT_MS must be an integer of at least 1']);
    });

    it('keeps its message on one line whatever it is given', () => {
      expect(new ConfigError('one\ntwo\r\n three').message).to.equal('one two three');
      expect(new ConfigError('x').name).to.equal('ConfigError');
    });
  });

  describe('production secret', () => {
    it('refuses a missing or blank JWT_SECRET', () => {
      for (const JWT_SECRET of [undefined, '', '   ']) {
        expectConfigError(
          { NODE_ENV: 'production', JWT_SECRET },
          /^JWT_SECRET is required in production$/,
        );
      }
    });

    it('refuses a secret shorter than 32 bytes, without printing it', () => {
      const secret = 'Xy7#kq2!Lm9@Zt4$Rw8%Vb3^Nc6&Hd';
      expectConfigError(
        { NODE_ENV: 'production', JWT_SECRET: secret },
        /^JWT_SECRET must be at least 32 bytes in production$/,
        secret,
      );
    });

    it('counts bytes, not characters', () => {
      // 16 characters, 32 bytes in UTF-8.
      expect(production({ JWT_SECRET: 'é'.repeat(15) + 'ç' }).env).to.equal('production');
    });

    it('refuses well-known defaults in any case and padding, without printing them', () => {
      for (const secret of [
        'secret',
        'CHANGEME',
        'change-me',
        ' your-secret-key ',
        'SuperSecret',
        'jwt_secret',
        'Open Sesame',
        'change-me-to-at-least-32-random-bytes',
      ]) {
        expectConfigError(
          { NODE_ENV: 'production', JWT_SECRET: secret },
          /^JWT_SECRET is a well-known default/,
          secret.trim(),
        );
      }
    });

    it('refuses one repeated character', () => {
      const secret = 'a'.repeat(64);
      expectConfigError(
        { NODE_ENV: 'production', JWT_SECRET: secret },
        /^JWT_SECRET must not be one repeated character$/,
        secret,
      );
    });

    it('accepts a good 32-byte secret as is', () => {
      expect(Buffer.byteLength(GOOD_SECRET)).to.equal(32);
      expect(production().signing).to.deep.equal({
        alg: 'HS256',
        secret: GOOD_SECRET,
        generatedSecret: false,
      });
    });
  });

  describe('.env file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads the file, with real variables winning', () => {
      const file = join(dir, '.env');
      writeFileSync(
        file,
        [
          '# comment',
          'NODE_ENV=production',
          `JWT_SECRET="${GOOD_SECRET}"`,
          'PORT=4000',
          'BCRYPT_COST=11',
          'export AUTH_REALM=from-file',
        ].join('\n'),
      );
      const config = loadConfig({ PORT: '5000', AUTH_REALM: 'from-env' }, { envFile: file });
      expect(config.env).to.equal('production');
      expect(config.signing).to.include({ secret: GOOD_SECRET });
      expect(config.http).to.include({ port: 5000, authRealm: 'from-env' });
      expect(config.passwords).to.deep.equal({ hasher: 'bcrypt', cost: 11 });
    });

    it('takes no UV_THREADPOOL_SIZE from it: libuv would never see it', () => {
      const file = join(dir, '.env');
      writeFileSync(file, 'UV_THREADPOOL_SIZE=16\n');
      expect(loadConfig({}, { envFile: file }).runtime.threadpoolSize).to.equal(4);
    });

    it('is optional', () => {
      expect(loadConfig({}, { envFile: join(dir, 'absent.env') }).env).to.equal('development');
    });

    it('reports an unreadable file in one line', () => {
      expect(() => loadConfig({}, { envFile: dir })).to.throw(
        ConfigError,
        /^Cannot read the env file /,
      );
    });

    it('leaves process.env alone', () => {
      const file = join(dir, '.env');
      writeFileSync(file, 'GATEHOUSE_CONFIG_SPEC_MARKER=1\n');
      loadConfig({}, { envFile: file });
      expect(process.env['GATEHOUSE_CONFIG_SPEC_MARKER']).to.equal(undefined);
    });
  });
});

describe('loadConfig: hashing and signing algorithms', () => {
  const load = (env: Record<string, string>) => loadConfig(env, { envFile: false });

  it('selects argon2id in any case', () => {
    expect(load({ PASSWORD_HASHER: 'Argon2ID' }).passwords).to.deep.equal({
      hasher: 'argon2id',
      argon2: {},
    });
  });

  it('keeps only the argon2id parameters that are set, for the hasher to default the rest', () => {
    const argon2 = (env: Record<string, string>) => {
      const { passwords } = load({ PASSWORD_HASHER: 'argon2id', ...env });
      return passwords.hasher === 'argon2id' ? passwords.argon2 : null;
    };
    expect(argon2({ ARGON2_TIME_COST: '3' })).to.deep.equal({ timeCost: 3 });
    expect(argon2({ ARGON2_MEMORY_KIB: '8' })).to.deep.equal({ memoryCost: 8 });
  });

  it('takes a key pair instead of a secret for EdDSA and ES256, even in production', () => {
    const config = load({
      NODE_ENV: 'production',
      JWT_ALG: 'es256',
      JWT_PRIVATE_KEY_FILE: '/keys/current.pem',
      JWT_PREVIOUS_KEYS_FILE: '/keys/previous.pem',
    });
    expect(config.signing).to.deep.equal({
      alg: 'ES256',
      privateKeyFile: '/keys/current.pem',
      previousKeysFile: '/keys/previous.pem',
    });
  });

  it('ignores key files with HS256', () => {
    const config = load({ JWT_PRIVATE_KEY_FILE: '/keys/current.pem' });
    expect(config.signing).to.not.have.property('privateKeyFile');
    expect(config.signing.alg).to.equal('HS256');
  });
});
