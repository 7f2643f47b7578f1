import { expect } from '../../support/chai.js';
import { describeEachServer, type TestApi } from '../../support/server.js';
import { BAD_CREDENTIALS, countRows, PASSWORD_RULE, VALIDATION } from './attacks.js';
import { expectFail } from '../../support/answers.js';

const register = (api: TestApi, email: string, password: string) =>
  api.request('POST', '/api/v1/auth/register', { json: { email, password } });

const logIn = (api: TestApi, email: string, password: string) =>
  api.request('POST', '/api/v1/auth/login', { json: { email, password } });

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describeEachServer('attack battery: passwords and emails', (api) => {
  describe('the 72-byte password limit (bcrypt reads no further)', () => {
    // 72 bytes, differing from each other only after byte 72 once something is appended.
    const ascii72 = 'p'.repeat(64) + '-72bytes';

    it('registers a 72-byte password and logs in with exactly it', async () => {
      expect(utf8Bytes(ascii72)).to.equal(72);
      expect((await register(api, 'edge@example.com', ascii72)).status).to.equal(201);
      expect((await logIn(api, 'edge@example.com', ascii72)).status).to.equal(200);
    });

    it('refuses a 73-byte password at register, storing nothing', async () => {
      const reply = await register(api, 'over@example.com', `${ascii72}!`);
      expectFail(reply, 400, VALIDATION, { errors: { password: PASSWORD_RULE } });
      expect(await countRows(api, 'users')).to.equal(0);
    });

    it('does not log in with a password that differs only after byte 72, as truncation would', async () => {
      expect((await register(api, 'edge@example.com', ascii72)).status).to.equal(201);
      for (const suffix of ['!', 'x'.repeat(100), '\u00e9']) {
        const reply = await logIn(api, 'edge@example.com', `${ascii72}${suffix}`);
        expect(reply.status, suffix).to.equal(401);
        expect(reply.json).to.deep.equal({ status: 'fail', message: BAD_CREDENTIALS });
      }
    });

    it('counts bytes, not characters: 36 × "é" (72 bytes) registers, one more byte does not', async () => {
      const accented = '\u00e9'.repeat(36);
      expect([accented.length, utf8Bytes(accented)]).to.deep.equal([36, 72]);
      expect((await register(api, 'accent@example.com', accented)).status).to.equal(201);
      expect((await logIn(api, 'accent@example.com', accented)).status).to.equal(200);
      const over = await register(api, 'accent2@example.com', `${accented}a`);
      expect(over.status).to.equal(400);
      expect(over.json.errors).to.deep.equal({ password: PASSWORD_RULE });
    });

    it('counts characters, not UTF-16 units, for the minimum: 4 emoji are too short, 8 suffice', async () => {
      const four = '\u{1F511}'.repeat(4); // 8 UTF-16 units, 16 bytes, 4 characters
      expect(four.length).to.equal(8);
      const short = await register(api, 'emoji@example.com', four);
      expect(short.status).to.equal(400);
      expect(short.json.errors).to.deep.equal({ password: PASSWORD_RULE });
      expect((await register(api, 'emoji@example.com', four + four)).status).to.equal(201);
      expect((await logIn(api, 'emoji@example.com', four + four)).status).to.equal(200);
    });

    it('takes 18 four-byte emoji (72 bytes) and refuses 19', async () => {
      const key = '\u{1F511}';
      expect((await register(api, 'keys@example.com', key.repeat(18))).status).to.equal(201);
      expect((await register(api, 'keys2@example.com', key.repeat(19))).status).to.equal(400);
    });

    it('reads a multi-byte password the same from JSON and from a form', async () => {
      const password = 'p\u00e4ssw\u00f6rd-\u00fc-\u{1F511}';
      expect((await register(api, 'umlaut@example.com', password)).status).to.equal(201);
      const reply = await api.request('POST', '/api/v1/auth/login', {
        form: { email: 'umlaut@example.com', password },
      });
      expect(reply.status).to.equal(200);
    });
  });

  describe('email case and length', () => {
    const local64 = 'l'.repeat(64);
    // Three labels (at most 63 characters each) and ".com": `length` characters in all.
    const domain = (length: number) =>
      `${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(length - 132)}.com`;

    it('registers a 254-character address and refuses a 255-character one', async () => {
      const longest = `${local64}@${domain(254 - 65)}`;
      const tooLong = `${local64}@${domain(255 - 65)}`;
      expect([longest.length, tooLong.length]).to.deep.equal([254, 255]);
      expect((await register(api, longest, 'password1')).status).to.equal(201);
      const reply = await register(api, tooLong, 'password1');
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({ email: `${tooLong} is not a valid email` });
      expect(await countRows(api, 'users')).to.equal(1);
    });

    it('refuses a local part over 64 characters', async () => {
      const email = `${local64}l@example.com`;
      const reply = await register(api, email, 'password1');
      expect(reply.status).to.equal(400);
      expect(reply.json.errors).to.deep.equal({ email: `${email} is not a valid email` });
    });

    it('measures the length after trimming, so padding cannot smuggle in a long address', async () => {
      const longest = `${local64}@${domain(254 - 65)}`;
      expect((await register(api, `   ${longest}   `, 'password1')).status).to.equal(201);
      const row = (await api.db.knex()('users').first()) as { email: string };
      expect(row.email).to.equal(longest);
    });

    it('treats every case of an address as one account, in register and login', async () => {
      expect((await register(api, 'MiXeD@Example.COM', 'password1')).status).to.equal(201);
      for (const variant of ['mixed@example.com', 'MIXED@EXAMPLE.COM', ' Mixed@example.Com ']) {
        const again = await register(api, variant, 'password2');
        expectFail(again, 409, 'mixed@example.com is already registered');
        expect((await logIn(api, variant, 'password1')).status, variant).to.equal(200);
      }
      expect(await countRows(api, 'users')).to.equal(1);
    });

    it('lower-cases the Kelvin sign to "k": the same account, not a look-alike twin', async () => {
      expect((await register(api, 'kate@example.com', 'password1')).status).to.equal(201);
      const twin = await register(api, '\u212Aate@example.com', 'password2');
      expect(twin.status).to.equal(409);
      expect(twin.json.message).to.equal('kate@example.com is already registered');
      expect(await countRows(api, 'users')).to.equal(1);
    });

    const refused: Array<[string, string]> = [
      ['a non-ASCII local part', 'j\u00f6rg@example.com'],
      ['a Unicode domain', 'user@b\u00fccher.example'],
      ['a dotted capital I (lower-cases to two characters)', '\u0130nfo@example.com'],
      ['a NUL byte', 'nul\u0000@example.com'],
      ['a line break (header injection)', 'crlf@example.com\r\nBcc: victim@example.com'],
      ['two @ signs', 'a@b@example.com'],
      ['no dot in the domain', 'user@localhost'],
    ];
    for (const [label, email] of refused) {
      it(`refuses an address with ${label}`, async () => {
        const reply = await register(api, email, 'password1');
        expect(reply.status).to.equal(400);
        expect(reply.json).to.deep.equal({
          status: 'fail',
          message: VALIDATION,
          errors: { email: `${email} is not a valid email` },
        });
        expect(await countRows(api, 'users')).to.equal(0);
      });
    }
  });
});
