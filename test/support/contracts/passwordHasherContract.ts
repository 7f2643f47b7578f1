import type { PasswordHasher } from '../../../src/domain/index.js';
import { expect } from '../chai.js';

const PASSWORD = 'correct horse';

/** Well-formed hashes of PASSWORD in formats no Gatehouse hasher accepts. */
export const FOREIGN_HASHES = {
  /** argon2i, not argon2id (m=8, t=1, p=1). */
  argon2i:
    '$argon2i$v=19$m=8,p=1,t=1$rlecofmj1efpnfpSkkLQ/g$936gn5Al33PV/Mtt9vnTE3FUKvjmBEQ8I27QcdRod0Y',
  /** md5-crypt, from `openssl passwd -1 -salt saltsalt`. */
  md5crypt: '$1$saltsalt$NuzA7WTAelpl95xgBGWN60',
} as const;

/** Strings shaped like hashes that no hasher can read. */
const MALFORMED_HASHES = [
  '',
  'abc',
  PASSWORD,
  '$2b$04$short',
  '$2b$99$' + 'a'.repeat(53),
  '$argon2id$',
  '$argon2id$v=19$m=19456,t=2,p=1$short',
  '$argon2id$v=19$m=abc,t=2,p=1$c2FsdHNhbHQ$aGFzaA',
];

/** The behaviour every PasswordHasher shares; `makeHasher` runs before each test. */
export function passwordHasherContract(makeHasher: () => PasswordHasher): void {
  let hasher: PasswordHasher;

  beforeEach(function () {
    hasher = makeHasher();
  });

  it('verifies the password it hashed', async function () {
    const hash = await hasher.hash(PASSWORD);
    expect(hash).not.to.include(PASSWORD);
    expect(await hasher.verify(PASSWORD, hash)).to.equal(true);
  });

  it('returns false for a wrong password', async function () {
    const hash = await hasher.hash(PASSWORD);
    expect(await hasher.verify('correct horsf', hash)).to.equal(false);
    expect(await hasher.verify('Correct horse', hash)).to.equal(false);
    expect(await hasher.verify(`${PASSWORD} `, hash)).to.equal(false);
  });

  it('salts: two hashes of one password differ and both verify', async function () {
    const first = await hasher.hash(PASSWORD);
    const second = await hasher.hash(PASSWORD);
    expect(first).not.to.equal(second);
    expect(await hasher.verify(PASSWORD, first)).to.equal(true);
    expect(await hasher.verify(PASSWORD, second)).to.equal(true);
  });

  it('returns false, not an error, for a malformed hash', async function () {
    for (const hash of MALFORMED_HASHES) {
      expect(await hasher.verify(PASSWORD, hash), JSON.stringify(hash)).to.equal(false);
    }
  });

  it('returns false for a well-formed hash of the password in an unsupported format', async function () {
    for (const hash of Object.values(FOREIGN_HASHES)) {
      expect(await hasher.verify(PASSWORD, hash), hash).to.equal(false);
    }
  });

  it('hashes and verifies the empty password, which matches nothing else', async function () {
    const hash = await hasher.hash('');
    expect(await hasher.verify('', hash)).to.equal(true);
    expect(await hasher.verify(' ', hash)).to.equal(false);
    expect(await hasher.verify('', await hasher.hash(PASSWORD))).to.equal(false);
  });

  it('hashes unicode passwords by their UTF-8 bytes, telling apart look-alikes', async function () {
    const password = 'pässwörd 🔑 пароль 密码';
    const hash = await hasher.hash(password);
    expect(await hasher.verify(password, hash)).to.equal(true);
    expect(await hasher.verify('passwörd 🔑 пароль 密码', hash)).to.equal(false);
    // The same text decomposed (NFD): other bytes, so another password; nothing is normalised.
    expect(await hasher.verify(password.normalize('NFD'), hash)).to.equal(false);
  });
}
