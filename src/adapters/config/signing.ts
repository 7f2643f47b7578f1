import { randomBytes } from 'node:crypto';
import type { NodeEnv } from './config.js';
import type { Variables } from './variables.js';

export type KeyPairAlg = 'EdDSA' | 'ES256';
export type JwtAlg = 'HS256' | KeyPairAlg;
const JWT_ALGS: readonly JwtAlg[] = ['HS256', 'EdDSA', 'ES256'];

/** How tokens are signed: with a secret (HS256), or with a key pair read from files. */
export type SigningSettings =
  | {
      readonly alg: 'HS256';
      readonly secret: string;
      /** True when no JWT_SECRET was set (development/test only): tokens die with the process. */
      readonly generatedSecret: boolean;
    }
  | {
      readonly alg: KeyPairAlg;
      /** Private key (PEM or JWK) that signs tokens. */
      readonly privateKeyFile: string;
      /** Public keys (PEM or JWK) of retired signing keys, still accepted until their tokens expire. */
      readonly previousKeysFile: string | null;
    };

/** Secrets from tutorials, docs and our own .env.example: refused in production. */
const KNOWN_DEFAULT_SECRETS = new Set([
  'secret',
  'changeme',
  'change-me',
  'your-secret-key',
  'supersecret',
  'jwt_secret',
  'open sesame',
  'change-me-to-at-least-32-random-bytes',
]);
const MIN_SECRET_BYTES = 32;

/**
 * JWT_ALG picks the variant; the key files only matter for the key pairs (HS256 ignores them),
 * and the secret only for HS256 (with a key pair, production needs none). An unusable JWT_ALG
 * is the one problem reported of this section: what else it needs depends on what was meant.
 */
export function signingSettings(vars: Variables, env: NodeEnv): SigningSettings {
  const alg = vars.choice('JWT_ALG', 'HS256', JWT_ALGS, { anyCase: true });
  if (vars.refusedAny('JWT_ALG')) return { alg: 'HS256', secret: '', generatedSecret: false };
  if (alg === 'HS256') return { alg, ...secret(vars, env) };
  const privateKeyFile = vars.text('JWT_PRIVATE_KEY_FILE');
  if (privateKeyFile === undefined) {
    vars.refuse('JWT_PRIVATE_KEY_FILE', `JWT_PRIVATE_KEY_FILE is required with JWT_ALG=${alg}`);
  }
  return {
    alg,
    privateKeyFile: privateKeyFile ?? '',
    previousKeysFile: vars.text('JWT_PREVIOUS_KEYS_FILE') ?? null,
  };
}

/** Never echoes the value: no message of this function contains the secret. */
function secret(vars: Variables, env: NodeEnv): { secret: string; generatedSecret: boolean } {
  const raw = vars.raw('JWT_SECRET');
  if (raw === undefined || raw.trim() === '') {
    if (env === 'production') vars.refuse('JWT_SECRET', 'JWT_SECRET is required in production');
    return { secret: randomBytes(32).toString('base64url'), generatedSecret: true };
  }
  if (env === 'production') {
    const problem = productionSecretProblem(raw);
    if (problem !== null) vars.refuse('JWT_SECRET', problem);
  }
  return { secret: raw, generatedSecret: false };
}

function productionSecretProblem(raw: string): string | null {
  if (KNOWN_DEFAULT_SECRETS.has(raw.trim().toLowerCase())) {
    return 'JWT_SECRET is a well-known default: set a random value of at least 32 bytes';
  }
  if (Buffer.byteLength(raw, 'utf8') < MIN_SECRET_BYTES) {
    return `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes in production`;
  }
  if (/^(.)\1*$/su.test(raw)) return 'JWT_SECRET must not be one repeated character';
  return null;
}
