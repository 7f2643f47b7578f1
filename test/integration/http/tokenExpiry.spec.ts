import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '../../support/chai.js';
import { describeEachServer } from '../../support/server.js';
import { expectFail } from '../../support/answers.js';

const EXPIRED = 'Access token expired. Please log in again.';
const TTL_SECONDS = 5;

/** The `exp` claim of a token, read without verifying it (the server does that). */
function expOf(token: string): number {
  const payload = token.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number }).exp;
}

describeEachServer(
  'token expiry at exp, over HTTP with a 5 s token',
  (api) => {
    it('serves the token until its exp second, and refuses it from that second on', async function () {
      this.timeout(15_000);
      const login = await api.request('POST', '/api/v1/auth/register', {
        json: { email: 'alice@example.com', password: 'password1' },
      });
      expect(login.status).to.equal(201);
      expect(login.json.expires_in).to.equal(TTL_SECONDS);
      const token = login.json.access_token as string;
      const exp = expOf(token);

      const fresh = await api.request('GET', '/api/v1/auth/user', { token });
      expect(fresh.status).to.equal(200);

      // The first moment of the exp second (plus a little for the request to be sent).
      await sleep(Math.max(0, exp * 1000 - Date.now()) + 20);
      const expired = await api.request('GET', '/api/v1/auth/user', { token });
      expectFail(expired, 401, EXPIRED);
      expect(expired.headers.get('www-authenticate')).to.equal(
        `Bearer realm="gatehouse", error="invalid_token", error_description="${EXPIRED}"`,
      );
    });
  },
  { TOKEN_TTL_SECONDS: String(TTL_SECONDS) },
);
