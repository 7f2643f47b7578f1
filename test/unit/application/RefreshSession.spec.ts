import { TOKEN_MESSAGES } from '../../../src/domain/index.js';
import type { IssuedToken } from '../../../src/application/AccessTokenIssuer.js';
import type { RefreshSession } from '../../../src/application/RefreshSession.js';
import { expect } from '../../support/chai.js';
import {
  buildCore,
  REFRESH_POLICY,
  TEST_ORIGIN,
  TOKEN_TTL_SECONDS,
  type Core,
} from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

const ALICE = { email: 'alice@example.com', password: 'password1' };

async function withAlice(): Promise<{ core: Core; refresh: RefreshSession }> {
  const core = buildCore({ refresh: REFRESH_POLICY });
  await core.addUser.execute({ ...ALICE, admin: false }, TEST_ORIGIN);
  core.audit.entries.length = 0;
  if (!core.refreshSession) throw new Error('refresh tokens are on');
  return { core, refresh: core.refreshSession };
}

function refreshTokenOf(issued: IssuedToken): string {
  if (!issued.refresh) throw new Error('expected a refresh token');
  return issued.refresh.token;
}

const invalid = (work: Promise<unknown>) =>
  expectDomainError(work, 'TOKEN_INVALID', TOKEN_MESSAGES.TOKEN_INVALID);

describe('RefreshSession', () => {
  it('pairs every login with a refresh token of the configured lifetime, and none when off', async () => {
    const { core } = await withAlice();
    const issued = await core.logIn.execute(ALICE, TEST_ORIGIN);
    expect(issued.refresh).to.deep.equal({
      token: refreshTokenOf(issued),
      expiresIn: REFRESH_POLICY.ttlSeconds,
    });
    expect(refreshTokenOf(issued)).to.match(/^[A-Za-z0-9_-]{43}$/);

    const off = buildCore();
    await off.addUser.execute({ ...ALICE, admin: false }, TEST_ORIGIN);
    expect((await off.logIn.execute(ALICE, TEST_ORIGIN)).refresh).to.equal(null);
    expect(off.refreshSession).to.equal(null);
  });

  it('spends the presented token for a new access token and a new refresh token', async () => {
    const { core, refresh } = await withAlice();
    const login = await core.logIn.execute(ALICE, TEST_ORIGIN);
    core.clock.advanceSeconds(60);

    const renewed = await refresh.execute(refreshTokenOf(login), TEST_ORIGIN);

    expect(renewed.expiresIn).to.equal(TOKEN_TTL_SECONDS);
    expect(refreshTokenOf(renewed)).to.not.equal(refreshTokenOf(login));
    const actor = await core.authenticate.execute(renewed.accessToken);
    expect(actor.user.email).to.equal(ALICE.email);
    expect(actor.token.issuedAt).to.equal(Math.floor(core.clock.now().getTime() / 1000));
    // The successor rotates in turn.
    await refresh.execute(refreshTokenOf(renewed), TEST_ORIGIN);
  });

  it('issues the refreshed access token with the admin flag as stored now', async () => {
    const core = buildCore({ refresh: REFRESH_POLICY });
    await core.addUser.execute({ ...ALICE, admin: true }, TEST_ORIGIN);
    await core.addUser.execute(
      { email: 'bob@example.com', password: 'password1', admin: true },
      TEST_ORIGIN,
    );
    const login = await core.logIn.execute(ALICE, TEST_ORIGIN);
    const alice = await core.authenticate.execute(login.accessToken);
    await core.users.setAdmin(alice.user.publicId, false);

    const renewed = await core.refreshSession!.execute(refreshTokenOf(login), TEST_ORIGIN);

    expect(core.tokens.claimsOf(renewed.accessToken).admin).to.equal(false);
  });

  it('refuses a malformed, an unknown and an expired refresh token alike', async () => {
    const { core, refresh } = await withAlice();
    const login = await core.logIn.execute(ALICE, TEST_ORIGIN);
    await invalid(refresh.execute('', TEST_ORIGIN));
    await invalid(refresh.execute(`${refreshTokenOf(login)}x`, TEST_ORIGIN));
    await invalid(refresh.execute('A'.repeat(43), TEST_ORIGIN));
    core.clock.advanceSeconds(REFRESH_POLICY.ttlSeconds);
    await invalid(refresh.execute(refreshTokenOf(login), TEST_ORIGIN));
    expect(core.audit.entries.map((entry) => entry.event)).to.deep.equal(['login_success']);
  });

  it('answers a spent token within the grace with 401 and revokes nothing (racing tabs)', async () => {
    const { core, refresh } = await withAlice();
    const login = await core.logIn.execute(ALICE, TEST_ORIGIN);
    const renewed = await refresh.execute(refreshTokenOf(login), TEST_ORIGIN);
    core.clock.advanceSeconds(REFRESH_POLICY.reuseGraceSeconds);

    await invalid(refresh.execute(refreshTokenOf(login), TEST_ORIGIN));

    await core.authenticate.execute(renewed.accessToken);
    await core.authenticate.execute(login.accessToken);
    await refresh.execute(refreshTokenOf(renewed), TEST_ORIGIN);
    expect(core.audit.entries.map((entry) => entry.event)).to.not.include('refresh_reuse');
  });

  it('revokes the whole family when a spent token comes back after the grace, and no other login', async () => {
    const { core, refresh } = await withAlice();
    const stolen = await core.logIn.execute(ALICE, TEST_ORIGIN);
    const otherDevice = await core.logIn.execute(ALICE, TEST_ORIGIN);
    const renewed = await refresh.execute(refreshTokenOf(stolen), TEST_ORIGIN);
    core.clock.advanceSeconds(REFRESH_POLICY.reuseGraceSeconds + 1);
    core.audit.entries.length = 0;

    await invalid(refresh.execute(refreshTokenOf(stolen), TEST_ORIGIN));

    const alice = await core.authenticate.execute(otherDevice.accessToken);
    expect(core.audit.entries).to.deep.equal([
      { event: 'refresh_reuse', publicId: alice.user.publicId, origin: TEST_ORIGIN },
    ]);
    // The family's live refresh token, and every access token issued from the family.
    await invalid(refresh.execute(refreshTokenOf(renewed), TEST_ORIGIN));
    for (const token of [stolen.accessToken, renewed.accessToken]) {
      await expectDomainError(
        core.authenticate.execute(token),
        'TOKEN_REVOKED',
        TOKEN_MESSAGES.TOKEN_REVOKED,
      );
    }
    // The other login lives on, and refreshes.
    await refresh.execute(refreshTokenOf(otherDevice), TEST_ORIGIN);
  });

  it('lets exactly one of concurrent refreshes with one token win, and the winner keeps working', async () => {
    const { core, refresh } = await withAlice();
    const login = await core.logIn.execute(ALICE, TEST_ORIGIN);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => refresh.execute(refreshTokenOf(login), TEST_ORIGIN)),
    );

    const winners = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(winners).to.have.length(1);
    const winner = winners[0]!;
    await core.authenticate.execute(winner.accessToken);
    await refresh.execute(refreshTokenOf(winner), TEST_ORIGIN);
  });

  it('logout revokes the refresh token family of the presented token, and only it', async () => {
    const { core, refresh } = await withAlice();
    const phone = await core.logIn.execute(ALICE, TEST_ORIGIN);
    const laptop = await core.logIn.execute(ALICE, TEST_ORIGIN);
    const renewed = await refresh.execute(refreshTokenOf(phone), TEST_ORIGIN);

    await core.logOut.execute(await core.authenticate.execute(renewed.accessToken), TEST_ORIGIN);

    await invalid(refresh.execute(refreshTokenOf(renewed), TEST_ORIGIN));
    await expectDomainError(
      core.authenticate.execute(phone.accessToken),
      'TOKEN_REVOKED',
      TOKEN_MESSAGES.TOKEN_REVOKED,
    );
    await core.authenticate.execute(laptop.accessToken);
    await refresh.execute(refreshTokenOf(laptop), TEST_ORIGIN);
  });

  it('refuses every refresh token of the user after a logout everywhere', async () => {
    const { core, refresh } = await withAlice();
    const phone = await core.logIn.execute(ALICE, TEST_ORIGIN);
    const laptop = await core.logIn.execute(ALICE, TEST_ORIGIN);

    await core.logOutEverywhere.execute(
      await core.authenticate.execute(phone.accessToken),
      TEST_ORIGIN,
    );

    await invalid(refresh.execute(refreshTokenOf(phone), TEST_ORIGIN));
    await invalid(refresh.execute(refreshTokenOf(laptop), TEST_ORIGIN));
  });

  it('refuses the old refresh tokens after a password change, and pairs its answer with a working one', async () => {
    const { core, refresh } = await withAlice();
    const before = await core.logIn.execute(ALICE, TEST_ORIGIN);

    const changed = await core.changePassword.execute(
      await core.authenticate.execute(before.accessToken),
      { currentPassword: ALICE.password, newPassword: 'password2' },
      TEST_ORIGIN,
    );

    await invalid(refresh.execute(refreshTokenOf(before), TEST_ORIGIN));
    const renewed = await refresh.execute(refreshTokenOf(changed), TEST_ORIGIN);
    await core.authenticate.execute(renewed.accessToken);
  });

  it('refuses the refresh tokens of a deleted account', async () => {
    const { core, refresh } = await withAlice();
    const login = await core.logIn.execute(ALICE, TEST_ORIGIN);
    const alice = await core.authenticate.execute(login.accessToken);

    await core.deleteOwnAccount.execute(alice, ALICE.password, TEST_ORIGIN);

    await invalid(refresh.execute(refreshTokenOf(login), TEST_ORIGIN));
  });

  it('records each refresh in the audit trail, never the token', async () => {
    const { core, refresh } = await withAlice();
    const login = await core.logIn.execute(ALICE, TEST_ORIGIN);
    const alice = await core.authenticate.execute(login.accessToken);
    core.audit.entries.length = 0;

    await refresh.execute(refreshTokenOf(login), TEST_ORIGIN);

    expect(core.audit.entries).to.deep.equal([
      { event: 'refresh', publicId: alice.user.publicId, origin: TEST_ORIGIN },
    ]);
  });

  it('purges refresh tokens once they and their access tokens have expired', async () => {
    const { core, refresh } = await withAlice();
    const login = await core.logIn.execute(ALICE, TEST_ORIGIN);
    await refresh.execute(refreshTokenOf(login), TEST_ORIGIN);
    core.clock.advanceSeconds(REFRESH_POLICY.ttlSeconds - 1);
    expect((await core.purgeRevokedTokens.execute()).refreshTokens).to.equal(0);
    core.clock.advanceSeconds(2);
    expect((await core.purgeRevokedTokens.execute()).refreshTokens).to.equal(2);
  });
});
