import { createHmac, createPublicKey } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, calculateJwkThumbprint } from 'jose';
import { describeEachDatabase } from '../../support/databases.js';
import { expect } from '../../support/chai.js';
import { KeyDirectory, newKeyPair, privatePem, publicPem } from '../../support/keyFiles.js';
import {
  describeEachServer,
  request,
  startTestServer,
  TEST_SECRET,
  type TestApi,
} from '../../support/server.js';
import type { RunningServer } from '../../../src/main/server.js';
import {
  base64url,
  challenge,
  claimsFor,
  countRows,
  decodeSegment,
  expectInvalidToken,
  expectNoToken,
  futureDate,
  hmacToken,
  NOT_ADMIN,
  rawRequest,
  registerAccount,
  signWith,
  type Account,
} from './attacks.js';
import { expectFail } from '../../support/answers.js';

/** A widget creation: the most a forged admin token could do, so nothing may be stored. */
const createWidget = (api: TestApi, authorization: string) =>
  api.request('POST', '/api/v1/widgets', {
    headers: { Authorization: authorization },
    json: { name: 'forged', info_url: 'https://example.com', deadline: futureDate() },
  });

/**
 * An attacker's web server, to point `jku`/`x5u` headers at: it serves the attacker's JWKS and
 * counts requests, so a test can prove Gatehouse never fetched it.
 */
async function attackerServer(
  jwks: object,
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits += 1;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(jwks));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits: () => hits,
    close: async () => {
      server.close();
      await once(server, 'close');
    },
  };
}

describeEachServer('attack battery: forged and confused tokens (HS256)', (api) => {
  let admin: Account;
  let alice: Account;

  beforeEach(async () => {
    admin = await registerAccount(api, 'boss@example.com', { admin: true });
    alice = await registerAccount(api, 'alice@example.com');
  });

  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    it(`refuses alg "${alg}" for an admin's subject, with an empty, a missing or a real signature part`, async () => {
      const header = base64url({ alg, typ: 'at+jwt' });
      const payload = base64url(claimsFor(admin.publicId, { admin: true }));
      const realSignature = createHmac('sha256', TEST_SECRET)
        .update(`${header}.${payload}`)
        .digest('base64url');
      for (const token of [
        `${header}.${payload}.`,
        `${header}.${payload}`,
        `${header}.${payload}.${realSignature}`,
      ]) {
        expectInvalidToken(await createWidget(api, `Bearer ${token}`));
      }
      expect(await countRows(api, 'widgets')).to.equal(0);
    });
  }

  it('refuses HS384 signed with the right secret (the algorithm is pinned, not read from the header)', async () => {
    const token = await signWith(claimsFor(admin.publicId, { admin: true }), { alg: 'HS384' });
    expectInvalidToken(await createWidget(api, `Bearer ${token}`));
    expect(await countRows(api, 'widgets')).to.equal(0);
  });

  const tamperings: Array<[string, (claims: Record<string, unknown>) => Record<string, unknown>]> =
    [
      ['admin flipped to true', (claims) => ({ ...claims, admin: true })],
      ['sub swapped for the admin', (claims) => ({ ...claims, sub: admin.publicId })],
      [
        'exp pushed a year ahead',
        (claims) => ({ ...claims, exp: Number(claims.exp) + 31_536_000 }),
      ],
    ];
  for (const [label, tamper] of tamperings) {
    it(`refuses a genuine token whose payload was edited (${label}), keeping its signature`, async () => {
      const [header, , signature] = alice.token.split('.');
      const payload = base64url(tamper(decodeSegment(alice.token, 1)));
      expectInvalidToken(await createWidget(api, `Bearer ${header}.${payload}.${signature}`));
      expect(await countRows(api, 'widgets')).to.equal(0);
    });
  }

  it('takes admin rights from the database: a well-signed admin: true for a non-admin gets 403', async () => {
    const token = await signWith(claimsFor(alice.publicId, { admin: true }), { alg: 'HS256' });
    const reply = await createWidget(api, `Bearer ${token}`);
    expectFail(reply, 403, NOT_ADMIN);
    expect(reply.headers.get('www-authenticate')).to.equal(
      challenge('insufficient_scope', NOT_ADMIN),
    );
    expect(await countRows(api, 'widgets')).to.equal(0);
    const me = await api.request('GET', '/api/v1/auth/user', { token });
    expect(me.json.admin).to.equal(false);
  });

  const forgedSubjects: Array<[string, () => string]> = [
    ["the user's email", () => alice.email],
    ["the user's public id in upper case", () => alice.publicId.toUpperCase()],
    ['an SQL injection', () => "' OR '1'='1"],
    ['a LIKE wildcard', () => '%'],
    ['10 KB of text', () => 'x'.repeat(10_240)],
  ];
  for (const [label, subject] of forgedSubjects) {
    it(`refuses a well-signed token whose sub is ${label} (no such user)`, async () => {
      const token = await signWith(claimsFor(subject(), { admin: true }), { alg: 'HS256' });
      expectInvalidToken(await createWidget(api, `Bearer ${token}`));
      expect(await countRows(api, 'widgets')).to.equal(0);
    });
  }

  it('refuses tokens signed with an attacker key named in the jwk header (RS256, ES256, EdDSA)', async () => {
    for (const [alg, kind] of [
      ['RS256', 'RSA'],
      ['ES256', 'P-256'],
      ['EdDSA', 'Ed25519'],
    ] as const) {
      const { privateKey, publicKey } = newKeyPair(kind);
      const jwk = await exportJWK(publicKey);
      const token = await signWith(
        claimsFor(admin.publicId, { admin: true }),
        { alg, jwk, kid: await calculateJwkThumbprint(jwk) },
        privateKey,
      );
      expectInvalidToken(await createWidget(api, `Bearer ${token}`));
    }
    expect(await countRows(api, 'widgets')).to.equal(0);
  });

  it('refuses a kid pointing at /dev/null or an SQL injection, with the key it implies', async () => {
    const claims = claimsFor(admin.publicId, { admin: true });
    const tokens = [
      hmacToken({ alg: 'HS256', typ: 'at+jwt', kid: '../../../../../../dev/null' }, claims, ''),
      hmacToken(
        { alg: 'HS256', typ: 'at+jwt', kid: "x' UNION SELECT 'attacker-secret' --" },
        claims,
        'attacker-secret',
      ),
    ];
    for (const token of tokens) expectInvalidToken(await createWidget(api, `Bearer ${token}`));
    expect(await countRows(api, 'widgets')).to.equal(0);
    // The same construction with the real secret passes: the refusals were the key's doing.
    const genuine = hmacToken(
      { alg: 'HS256', typ: 'at+jwt', kid: 'anything' },
      claims,
      TEST_SECRET,
    );
    expect((await createWidget(api, `Bearer ${genuine}`)).status).to.equal(201);
  });

  it('never fetches a jku or x5u URL, and refuses the token signed by the key found there', async () => {
    const { privateKey, publicKey } = newKeyPair('RSA');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'attacker', alg: 'RS256', use: 'sig' };
    const attacker = await attackerServer({ keys: [jwk] });
    try {
      const claims = claimsFor(admin.publicId, { admin: true });
      const headers = [
        { alg: 'RS256', kid: 'attacker', jku: `${attacker.url}/jwks.json` },
        { alg: 'RS256', kid: 'attacker', x5u: `${attacker.url}/cert.pem` },
        { alg: 'HS256', kid: 'attacker', jku: `${attacker.url}/jwks.json` },
      ];
      for (const header of headers) {
        const key = header.alg === 'HS256' ? new TextEncoder().encode('attacker') : privateKey;
        const token = await signWith(claims, header, key);
        expectInvalidToken(await createWidget(api, `Bearer ${token}`));
      }
      expect(attacker.hits()).to.equal(0);
      expect(await countRows(api, 'widgets')).to.equal(0);
    } finally {
      await attacker.close();
    }
  });

  // Absent, blank or `Bearer` alone: no token presented.
  const noToken: Array<[string, string]> = [
    ['empty', ''],
    ['a lone lower-case "bearer"', 'bearer'],
    ['"Bearer" and a tab', 'Bearer\t'],
  ];
  for (const [label, value] of noToken) {
    it(`answers an Authorization header that is ${label} with 401 Unauthorized`, async () => {
      expectNoToken(await createWidget(api, value));
    });
  }

  // Anything else that does not verify.
  const garbage: Array<[string, () => string]> = [
    ['Latin-1 text', () => 'Bearer caf\u00e9'],
    ['10 KB of letters', () => `Bearer ${'a'.repeat(10_240)}`],
    ['three segments of junk', () => 'Bearer aaaa.bbbb.cccc'],
    ['three empty segments', () => 'Bearer ..'],
    ['a valid token twice', () => `Bearer ${admin.token} ${admin.token}`],
    ['the scheme twice', () => `Bearer Bearer ${admin.token}`],
    ['another scheme', () => `Token ${admin.token}`],
    [
      'a valid token with a fourth segment',
      () => `Bearer ${admin.token}.${admin.token.split('.')[2]}`,
    ],
    ['a valid token cut short', () => `Bearer ${admin.token.slice(0, -2)}`],
  ];
  for (const [label, value] of garbage) {
    it(`answers an Authorization header of ${label} as an invalid token`, async () => {
      expectInvalidToken(await createWidget(api, value()));
      expect(await countRows(api, 'widgets')).to.equal(0);
    });
  }

  it('answers an Authorization header of raw UTF-8 bytes as an invalid token', async () => {
    const reply = await rawRequest(api.running().url, {
      method: 'GET',
      path: '/api/v1/auth/user',
      // Each UTF-8 byte as one latin1 character: node:http sends exactly these bytes.
      headers: { Authorization: `Bearer ${Buffer.from('токен🔑', 'utf8').toString('latin1')}` },
    });
    expectInvalidToken(reply);
  });
});

describeEachDatabase('attack battery: header injection against key pairs (EdDSA)', (db) => {
  let keys: KeyDirectory;
  let server: RunningServer;
  let serverKid: string;
  let admin: string;
  let adminToken: string;

  before(async () => {
    keys = new KeyDirectory();
    const pair = newKeyPair('Ed25519');
    server = await startTestServer(db.url(), {
      JWT_ALG: 'EdDSA',
      JWT_PRIVATE_KEY_FILE: keys.write(privatePem(pair.privateKey)),
    });
  });

  // Also runs when the database's suite is skipped (no Postgres) and `before` never ran.
  after(async () => {
    await server?.close();
    keys?.remove();
  });

  beforeEach(async () => {
    const reply = await request(server.url, 'POST', '/api/v1/auth/register', {
      json: { email: 'boss@example.com', password: 'password1' },
    });
    expect(reply.status).to.equal(201);
    await db.knex()('users').update({ admin: true });
    adminToken = reply.json.access_token as string;
    serverKid = String(decodeSegment(adminToken, 0).kid);
    const row = (await db.knex()('users').first()) as { public_id: string };
    admin = row.public_id;
  });

  const post = (token: string) =>
    request(server.url, 'POST', '/api/v1/widgets', {
      token,
      json: { name: 'forged', info_url: 'https://example.com', deadline: futureDate() },
    });

  const widgets = async () => (await db.knex()('widgets')).length;

  it("accepts its own admin's token (so the refusals below are the header's doing)", async () => {
    expect((await post(adminToken)).status).to.equal(201);
  });

  it("refuses an attacker's Ed25519 key in the jwk header, under its own kid or the server's", async () => {
    const { privateKey, publicKey } = newKeyPair('Ed25519');
    const jwk = await exportJWK(publicKey);
    const claims = claimsFor(admin, { admin: true });
    for (const kid of [await calculateJwkThumbprint(jwk), serverKid]) {
      expectInvalidToken(
        await post(await signWith(claims, { alg: 'EdDSA', kid, jwk }, privateKey)),
      );
    }
    expect(await widgets()).to.equal(0);
  });

  it('never fetches a jku or x5u URL, even under the server kid', async () => {
    const { privateKey, publicKey } = newKeyPair('Ed25519');
    const attacker = await attackerServer({
      keys: [{ ...(await exportJWK(publicKey)), kid: serverKid }],
    });
    try {
      const claims = claimsFor(admin, { admin: true });
      for (const header of [
        { alg: 'EdDSA', kid: serverKid, jku: `${attacker.url}/jwks.json` },
        { alg: 'EdDSA', kid: serverKid, x5u: `${attacker.url}/cert.pem` },
      ]) {
        expectInvalidToken(await post(await signWith(claims, header, privateKey)));
      }
      expect(attacker.hits()).to.equal(0);
    } finally {
      await attacker.close();
    }
    expect(await widgets()).to.equal(0);
  });

  it('refuses HS256 "signed" with its own public key (algorithm confusion)', async () => {
    const jwks = (await request(server.url, 'GET', '/.well-known/jwks.json')).json as {
      keys: Array<{ x: string }>;
    };
    const published = jwks.keys[0];
    expect(published).to.not.equal(undefined);
    const claims = claimsFor(admin, { admin: true });
    const publicKeyPem = publicPem(
      createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: published?.x ?? '' },
        format: 'jwk',
      }),
    );
    for (const secret of [
      publicKeyPem,
      JSON.stringify(published),
      Buffer.from(published?.x ?? '', 'base64url'),
    ]) {
      expectInvalidToken(
        await post(hmacToken({ alg: 'HS256', typ: 'at+jwt', kid: serverKid }, claims, secret)),
      );
    }
    expect(await widgets()).to.equal(0);
  });

  it('refuses a kid that tries path traversal or SQL, signed by an attacker key', async () => {
    const { privateKey } = newKeyPair('Ed25519');
    const claims = claimsFor(admin, { admin: true });
    for (const kid of [
      '../../../../etc/passwd',
      "' OR '1'='1",
      `${serverKid}\u0000`,
      '__proto__',
    ]) {
      expectInvalidToken(await post(await signWith(claims, { alg: 'EdDSA', kid }, privateKey)));
    }
    expect(await widgets()).to.equal(0);
  });
});
