import { readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { generateKeyFile, writeNewFile } from '../../../src/adapters/security/generateKeyFile.js';
import { loadSigningKeys } from '../../../src/adapters/security/signingKeys.js';
import { expect } from '../../support/chai.js';
import { KeyDirectory } from '../../support/keyFiles.js';

describe('generateKeyFile', () => {
  let dir: KeyDirectory;

  beforeEach(() => {
    dir = new KeyDirectory();
  });

  afterEach(() => {
    dir.remove();
  });

  for (const alg of ['EdDSA', 'ES256'] as const) {
    it(`writes a new ${alg} private key, mode 0600, that loadSigningKeys accepts`, async () => {
      const file = await generateKeyFile(alg, dir.path);

      expect(isAbsolute(file)).to.equal(true);
      expect(join(dir.path, basename(file))).to.equal(file);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(readFileSync(file, 'utf8')).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
      const keys = loadSigningKeys(alg, file, null);
      expect(basename(file)).to.equal(`gatehouse-${alg}-${keys.current.kid.slice(0, 12)}.pem`);
    });
  }

  it('writes a different key to a different file each time', async () => {
    const first = await generateKeyFile('EdDSA', dir.path);
    const second = await generateKeyFile('EdDSA', dir.path);
    expect(second).not.to.equal(first);
    expect(readFileSync(second, 'utf8')).not.to.equal(readFileSync(first, 'utf8'));
  });

  it('resolves a relative directory to an absolute path', async () => {
    const file = await generateKeyFile('ES256', relative(process.cwd(), dir.path));
    expect(isAbsolute(file)).to.equal(true);
    expect(statSync(file).isFile()).to.equal(true);
  });

  it('fails when the directory does not exist', async () => {
    await expect(generateKeyFile('EdDSA', join(dir.path, 'absent'))).to.be.rejectedWith(/ENOENT/);
  });

  it('never overwrites an existing file, and leaves it as it was', async () => {
    const file = dir.write('precious');
    await expect(writeNewFile(file, 'new key')).to.be.rejectedWith(/EEXIST/);
    expect(readFileSync(file, 'utf8')).to.equal('precious');
  });
});
