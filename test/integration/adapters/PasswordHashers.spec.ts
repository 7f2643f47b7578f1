import {
  Argon2PasswordHasher,
  OWASP_ARGON2ID,
} from '../../../src/adapters/security/Argon2PasswordHasher.js';
import { BcryptPasswordHasher } from '../../../src/adapters/security/BcryptPasswordHasher.js';
import {
  MultiFormatPasswordHasher,
  type RecognisingPasswordHasher,
} from '../../../src/adapters/security/MultiFormatPasswordHasher.js';
import { expect } from '../../support/chai.js';
import { passwordHasherContract } from '../../support/contracts/passwordHasherContract.js';

/** Cheap enough for tests; production uses OWASP_ARGON2ID. */
const CHEAP_ARGON2 = { memoryCost: 256, timeCost: 1, parallelism: 1 };

/** The `m`, `t` and `p` of an argon2 PHC string, whatever their order. */
function argon2Parameters(hash: string): Record<string, number> {
  const params = hash.split('$')[3] ?? '';
  return Object.fromEntries(
    params
      .split(',')
      .map((pair) => pair.split('='))
      .map(([k, v]) => [k, Number(v)]),
  );
}

const bcrypt4 = () => new BcryptPasswordHasher(4);
const cheapArgon2 = () => new Argon2PasswordHasher(CHEAP_ARGON2);

describe('BcryptPasswordHasher', () => {
  passwordHasherContract(bcrypt4);

  const hasher = bcrypt4();

  it('hashes with the given cost', async () => {
    expect(await hasher.hash('correct horse')).to.match(/^\$2b\$04\$/);
  });

  it('hashes a password of exactly 72 UTF-8 bytes', async () => {
    const password = 'é'.repeat(36);
    expect(await hasher.verify(password, await hasher.hash(password))).to.equal(true);
  });

  it('refuses to hash a password over 72 UTF-8 bytes', async () => {
    await expect(hasher.hash('a'.repeat(73))).to.be.rejectedWith(Error, /72 bytes/);
    // 37 characters, 74 bytes.
    await expect(hasher.hash('é'.repeat(37))).to.be.rejectedWith(Error, /72 bytes/);
  });

  it('returns false for a password over 72 bytes even when its first 72 bytes match', async () => {
    const first72 = 'a'.repeat(72);
    const hash = await hasher.hash(first72);
    expect(await hasher.verify(`${first72}b`, hash)).to.equal(false);
    expect(await hasher.verify(first72, hash)).to.equal(true);
  });

  it('verifies $2y$ and $2a$ hashes made elsewhere', async () => {
    // libxcrypt (Perl's crypt) wrote this $2y$ hash; $2a$ is the same hash for this password.
    const digest = 'abcdefghijklmnopqrstuujydOTSfIH/d5oUHpsygqV5X9xJLQc6e';
    for (const hash of [`$2y$04$${digest}`, `$2a$04$${digest}`]) {
      expect(await hasher.verify('correct horse', hash), hash).to.equal(true);
      expect(await hasher.verify('correct horsf', hash), hash).to.equal(false);
    }
  });

  it('returns false for an argon2id hash of the same password', async () => {
    const hash = await cheapArgon2().hash('correct horse');
    expect(await hasher.verify('correct horse', hash)).to.equal(false);
  });

  it('recognises $2a$, $2b$ and $2y$ hashes only', () => {
    for (const hash of ['$2a$04$x', '$2b$12$x', '$2y$10$x']) {
      expect(hasher.recognises(hash), hash).to.equal(true);
    }
    for (const hash of ['', '$2x$04$x', '$2$04$x', '$argon2id$v=19$x', 'x$2b$04$x']) {
      expect(hasher.recognises(hash), hash).to.equal(false);
    }
  });

  it('refuses a cost outside 4..31', () => {
    expect(() => new BcryptPasswordHasher(3)).to.throw(Error);
    expect(() => new BcryptPasswordHasher(32)).to.throw(Error);
    expect(() => new BcryptPasswordHasher(4.5)).to.throw(Error);
  });
});

describe('Argon2PasswordHasher', () => {
  passwordHasherContract(cheapArgon2);

  const hasher = cheapArgon2();

  it('hashes with argon2id and the given parameters', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash).to.match(/^\$argon2id\$v=19\$/);
    expect(argon2Parameters(hash)).to.deep.equal({ m: 256, t: 1, p: 1 });
  });

  it("uses OWASP's argon2id parameters by default: 19 MiB, 2 passes, 1 lane", async () => {
    expect(OWASP_ARGON2ID).to.deep.equal({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const hash = await new Argon2PasswordHasher().hash('correct horse');
    expect(hash).to.match(/^\$argon2id\$v=19\$/);
    expect(argon2Parameters(hash)).to.deep.equal({ m: 19_456, t: 2, p: 1 });
  });

  it('verifies hashes made with other parameters, so raising them locks nobody out', async () => {
    const older = await new Argon2PasswordHasher({ memoryCost: 64, timeCost: 2 }).hash('pw');
    expect(await hasher.verify('pw', older)).to.equal(true);
    expect(await hasher.verify('pW', older)).to.equal(false);
  });

  it('reads every byte of a long password, unlike bcrypt', async () => {
    const first72 = 'a'.repeat(72);
    const hash = await hasher.hash(`${first72}b`);
    expect(await hasher.verify(`${first72}b`, hash)).to.equal(true);
    expect(await hasher.verify(`${first72}c`, hash)).to.equal(false);
    expect(await hasher.verify(first72, hash)).to.equal(false);
  });

  it('returns false for a bcrypt hash of the same password', async () => {
    const hash = await bcrypt4().hash('correct horse');
    expect(await hasher.verify('correct horse', hash)).to.equal(false);
  });

  it('recognises argon2id hashes only', () => {
    expect(hasher.recognises('$argon2id$v=19$m=256,t=1,p=1$x')).to.equal(true);
    for (const hash of ['', '$argon2i$v=19$x', '$argon2d$v=19$x', '$2b$04$x', 'x$argon2id$']) {
      expect(hasher.recognises(hash), hash).to.equal(false);
    }
  });

  it('refuses parameters argon2 cannot use', () => {
    expect(() => new Argon2PasswordHasher({ parallelism: 0 })).to.throw(Error, /parallelism/);
    expect(() => new Argon2PasswordHasher({ timeCost: 0 })).to.throw(Error, /timeCost/);
    expect(() => new Argon2PasswordHasher({ timeCost: 1.5 })).to.throw(Error, /timeCost/);
    expect(() => new Argon2PasswordHasher({ memoryCost: 15, parallelism: 2 })).to.throw(
      Error,
      /memoryCost/,
    );
  });
});

describe('MultiFormatPasswordHasher', () => {
  const bcryptFirst = () => new MultiFormatPasswordHasher(bcrypt4(), [cheapArgon2()]);
  const argon2First = () => new MultiFormatPasswordHasher(cheapArgon2(), [bcrypt4()]);

  describe('with bcrypt primary', () => {
    passwordHasherContract(bcryptFirst);

    it('hashes with bcrypt', async () => {
      expect(await bcryptFirst().hash('correct horse')).to.match(/^\$2b\$04\$/);
    });

    it('still verifies an argon2id hash made before switching back to bcrypt', async () => {
      const hash = await cheapArgon2().hash('correct horse');
      expect(await bcryptFirst().verify('correct horse', hash)).to.equal(true);
      expect(await bcryptFirst().verify('correct horsf', hash)).to.equal(false);
    });
  });

  describe('with argon2id primary', () => {
    passwordHasherContract(argon2First);

    it('hashes with argon2id', async () => {
      expect(await argon2First().hash('correct horse')).to.match(/^\$argon2id\$/);
    });

    it('still verifies a bcrypt hash made before switching to argon2id', async () => {
      const hash = await bcrypt4().hash('correct horse');
      expect(await argon2First().verify('correct horse', hash)).to.equal(true);
      expect(await argon2First().verify('correct horsf', hash)).to.equal(false);
    });
  });

  it('returns false for an unknown format without asking any hasher to verify it', async () => {
    const verified: string[] = [];
    const recognising = (prefix: string): RecognisingPasswordHasher => ({
      hash: async (password) => `${prefix}${password}`,
      verify: async (password, hash) => {
        verified.push(hash);
        return hash === `${prefix}${password}`;
      },
      recognises: (hash) => hash.startsWith(prefix),
      needsRehash: (hash) => !hash.startsWith(prefix),
    });
    const hasher = new MultiFormatPasswordHasher(recognising('$a$'), [recognising('$b$')]);

    expect(await hasher.verify('pw', '$c$pw')).to.equal(false);
    expect(verified).to.deep.equal([]);
    expect(await hasher.verify('pw', '$b$pw')).to.equal(true);
    expect(verified).to.deep.equal(['$b$pw']);
  });
});

describe('needsRehash', () => {
  it('asks bcrypt to rehash another cost or another algorithm, not its own', async () => {
    const cost4 = new BcryptPasswordHasher(4);
    const hash = await cost4.hash('correct horse');
    expect(cost4.needsRehash(hash)).to.equal(false);
    expect(new BcryptPasswordHasher(5).needsRehash(hash)).to.equal(true);
    expect(cost4.needsRehash('$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA')).to.equal(true);
  });

  it('asks argon2id to rehash other parameters or another algorithm, not its own', async () => {
    const cheap = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1 });
    const hash = await cheap.hash('correct horse');
    expect(cheap.needsRehash(hash)).to.equal(false);
    expect(new Argon2PasswordHasher({ memoryCost: 2048, timeCost: 1 }).needsRehash(hash)).to.equal(
      true,
    );
    expect(cheap.needsRehash(await new BcryptPasswordHasher(4).hash('x'))).to.equal(true);
    expect(cheap.needsRehash('$argon2id$garbage')).to.equal(true);
  });

  it('asks the composite to move every hash to its primary format', async () => {
    const bcryptHasher = new BcryptPasswordHasher(4);
    const argon2Hasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1 });
    const toArgon2 = new MultiFormatPasswordHasher(argon2Hasher, [bcryptHasher]);
    expect(toArgon2.needsRehash(await bcryptHasher.hash('x'))).to.equal(true);
    expect(toArgon2.needsRehash(await argon2Hasher.hash('x'))).to.equal(false);
  });
});
