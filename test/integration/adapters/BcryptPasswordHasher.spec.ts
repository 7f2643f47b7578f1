import { BcryptPasswordHasher } from '../../../src/adapters/security/BcryptPasswordHasher.js';
import { expect } from '../../support/chai.js';

describe('BcryptPasswordHasher', () => {
  const hasher = new BcryptPasswordHasher(4);

  it('hashes with the given cost and verifies the same password', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash).to.match(/^\$2[aby]\$04\$/);
    expect(await hasher.verify('correct horse', hash)).to.equal(true);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hasher.hash('correct horse')).not.to.equal(await hasher.hash('correct horse'));
  });

  it('returns false for a wrong password', async () => {
    const hash = await hasher.hash('correct horse');
    expect(await hasher.verify('correct horsf', hash)).to.equal(false);
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

  it('returns false, not an error, for a malformed hash', async () => {
    for (const hash of ['', 'abc', '$2b$04$short', '$2b$99$' + 'a'.repeat(53)]) {
      expect(await hasher.verify('correct horse', hash)).to.equal(false);
    }
  });

  it('refuses a cost outside 4..31', () => {
    expect(() => new BcryptPasswordHasher(3)).to.throw(Error);
    expect(() => new BcryptPasswordHasher(32)).to.throw(Error);
    expect(() => new BcryptPasswordHasher(4.5)).to.throw(Error);
  });
});
