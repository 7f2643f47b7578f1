import type { NodeEnv } from './config.js';
import type { Variables } from './variables.js';

export type PasswordHasherName = 'bcrypt' | 'argon2id';
const PASSWORD_HASHERS: readonly PasswordHasherName[] = ['bcrypt', 'argon2id'];

export interface Argon2Settings {
  /** KiB per hash. */
  readonly memoryCost?: number;
  readonly timeCost?: number;
  readonly parallelism?: number;
}

/**
 * How new hashes are made (PASSWORD_HASHER) and at what cost. Existing hashes verify with the
 * parameters they record, so the other scheme needs none.
 */
export type PasswordSettings =
  | { readonly hasher: 'bcrypt'; readonly cost: number }
  | {
      readonly hasher: 'argon2id';
      /** Only the parameters set in the environment: the hasher's defaults (OWASP's) fill the rest. */
      readonly argon2: Argon2Settings;
    };

const DEFAULT_BCRYPT_COST: Record<NodeEnv, number> = { production: 12, development: 10, test: 4 };

/** Both schemes' parameters are checked whichever is chosen: a typo shows before a switch. */
export function passwordSettings(vars: Variables, env: NodeEnv): PasswordSettings {
  const hasher = vars.choice('PASSWORD_HASHER', 'bcrypt', PASSWORD_HASHERS, { anyCase: true });
  const cost = vars.integer('BCRYPT_COST', DEFAULT_BCRYPT_COST[env], 4, 31);
  const argon2 = argon2Settings(vars);
  return hasher === 'argon2id' ? { hasher, argon2 } : { hasher, cost };
}

function argon2Settings(vars: Variables): Argon2Settings {
  const settings: { -readonly [K in keyof Argon2Settings]: Argon2Settings[K] } = {};
  if (vars.text('ARGON2_PARALLELISM') !== undefined) {
    settings.parallelism = vars.integer('ARGON2_PARALLELISM', 1, 1, 255);
  }
  if (vars.text('ARGON2_TIME_COST') !== undefined) {
    settings.timeCost = vars.integer('ARGON2_TIME_COST', 1, 1, 1000);
  }
  if (vars.text('ARGON2_MEMORY_KIB') !== undefined) {
    // argon2 needs 8 KiB per lane (there is at least one); 4 GiB a hash is past any sane login.
    const least = 8 * (settings.parallelism ?? 1);
    settings.memoryCost = vars.integer('ARGON2_MEMORY_KIB', least, least, 4 * 1024 ** 2);
  }
  return settings;
}
