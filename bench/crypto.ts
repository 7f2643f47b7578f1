/**
 * What one login and one authenticated request cost in cryptography: Gatehouse's own hasher and
 * token adapters, timed one operation at a time. For the hashes that is one core's rate (the
 * server runs one per core at once); token operations are so short that their figure is mostly
 * the round trip to libuv's thread pool, and many run at once in a server.
 *
 *   npm run bench:crypto            # BENCH_CRYPTO_SAMPLES=… for more samples of the slow ones
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { SystemClock } from '../src/adapters/clock/SystemClock.js';
import { Argon2PasswordHasher } from '../src/adapters/security/Argon2PasswordHasher.js';
import { BcryptPasswordHasher } from '../src/adapters/security/BcryptPasswordHasher.js';
import { Hs256TokenService } from '../src/adapters/security/Hs256TokenService.js';
import { JoseTokenService } from '../src/adapters/security/JoseTokenService.js';
import { verificationKey, type AsymmetricAlg } from '../src/adapters/security/signingKeys.js';
import type { PasswordHasher, TokenService } from '../src/domain/index.js';

const SLOW_SAMPLES = Number(process.env.BENCH_CRYPTO_SAMPLES ?? 15);
const FAST_SAMPLES = 3000;
const PASSWORD = 'correct horse battery staple';

interface Row {
  operation: string;
  medianMs: number;
  perSecond: number;
}

async function time(operation: string, samples: number, run: () => Promise<unknown>) {
  await run(); // warm-up: JIT, lazy key imports
  const durations: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    await run();
    durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  const medianMs = durations[Math.floor(durations.length / 2)] ?? NaN;
  return { operation, medianMs, perSecond: 1000 / medianMs } satisfies Row;
}

async function hasherRows(name: string, hasher: PasswordHasher): Promise<Row[]> {
  const hash = await hasher.hash(PASSWORD);
  return [
    await time(`${name} hash`, SLOW_SAMPLES, () => hasher.hash(PASSWORD)),
    await time(`${name} verify`, SLOW_SAMPLES, () => hasher.verify(PASSWORD, hash)),
  ];
}

function tokenService(alg: 'HS256' | AsymmetricAlg): TokenService {
  const common = {
    issuer: 'bench',
    audience: 'bench',
    toleranceSeconds: 5,
    clock: new SystemClock(),
  };
  if (alg === 'HS256') {
    return new Hs256TokenService({ ...common, secret: randomUUID().repeat(2) });
  }
  const { privateKey, publicKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const current = { ...verificationKey(alg, publicKey), privateKey };
  return new JoseTokenService({ ...common, signing: { alg, current, previous: [] } });
}

async function tokenRows(alg: 'HS256' | AsymmetricAlg): Promise<Row[]> {
  const service = tokenService(alg);
  const now = Math.floor(Date.now() / 1000);
  const claims = () => ({
    subject: randomUUID(),
    admin: false,
    issuedAt: now,
    expiresAt: now + 900,
    tokenId: randomUUID(),
    generation: 0,
  });
  const token = await service.sign(claims());
  return [
    await time(`${alg} sign`, FAST_SAMPLES, () => service.sign(claims())),
    await time(`${alg} verify`, FAST_SAMPLES, () => service.verify(token)),
  ];
}

const rows = [
  ...(await hasherRows('bcrypt cost 10', new BcryptPasswordHasher(10))),
  ...(await hasherRows('bcrypt cost 12', new BcryptPasswordHasher(12))),
  ...(await hasherRows('argon2id 19 MiB t=2 p=1', new Argon2PasswordHasher())),
  ...(await tokenRows('HS256')),
  ...(await tokenRows('EdDSA')),
  ...(await tokenRows('ES256')),
];

console.log(`Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`);
console.log(`| operation | median per call | calls/s, one at a time |`);
console.log(`| --- | ---: | ---: |`);
for (const row of rows) {
  const ms = row.medianMs < 1 ? row.medianMs.toFixed(3) : row.medianMs.toFixed(1);
  console.log(
    `| ${row.operation} | ${ms} ms | ${Math.round(row.perSecond).toLocaleString('en')} |`,
  );
}
