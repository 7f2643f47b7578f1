import type { RefreshPolicy, RequestOrigin } from '../../src/domain/index.js';
import { AccessTokenIssuer } from '../../src/application/AccessTokenIssuer.js';
import { AddUser } from '../../src/application/AddUser.js';
import { AuthenticateRequest } from '../../src/application/AuthenticateRequest.js';
import { ChangePassword } from '../../src/application/ChangePassword.js';
import { ConfirmPassword } from '../../src/application/ConfirmPassword.js';
import { GetCurrentUser } from '../../src/application/GetCurrentUser.js';
import { LogIn } from '../../src/application/LogIn.js';
import { LogOut } from '../../src/application/LogOut.js';
import { LogOutEverywhere } from '../../src/application/LogOutEverywhere.js';
import { PurgeRevokedTokens } from '../../src/application/PurgeRevokedTokens.js';
import { RefreshSession } from '../../src/application/RefreshSession.js';
import { RegisterUser } from '../../src/application/RegisterUser.js';
import { ChangeAdminRights } from '../../src/application/ChangeAdminRights.js';
import { DeleteOwnAccount } from '../../src/application/DeleteOwnAccount.js';
import { DeleteUser } from '../../src/application/DeleteUser.js';
import { GetUser } from '../../src/application/GetUser.js';
import { ListUsers } from '../../src/application/ListUsers.js';
import { CreateWidget } from '../../src/application/CreateWidget.js';
import { DeleteWidget } from '../../src/application/DeleteWidget.js';
import { GetWidget } from '../../src/application/GetWidget.js';
import { ListWidgets } from '../../src/application/ListWidgets.js';
import { PutWidget } from '../../src/application/PutWidget.js';
import { InMemoryAttemptLimiter } from './fakes/InMemoryAttemptLimiter.js';
import { FakePasswordHasher } from './fakes/FakePasswordHasher.js';
import { FakeTokenService } from './fakes/FakeTokenService.js';
import { FixedClock } from './fakes/FixedClock.js';
import { InMemoryRefreshTokens } from './fakes/InMemoryRefreshTokens.js';
import { InMemoryRevokedTokens } from './fakes/InMemoryRevokedTokens.js';
import { InMemorySessionLookup } from './fakes/InMemorySessionLookup.js';
import { inMemoryStores } from './fakes/inMemoryStores.js';
import { RecordingAuditLog } from './fakes/RecordingAuditLog.js';
import { SequentialIdGenerator } from './fakes/SequentialIdGenerator.js';

export const TOKEN_TTL_SECONDS = 900;
export const LOGIN_MAX_FAILURES = 3;
export const LOGIN_WINDOW_SECONDS = 900;
/** Where core tests' requests come from, as the audit trail records it. */
export const TEST_ORIGIN: RequestOrigin = { requestId: 'request-1', clientAddress: '192.0.2.1' };

/** REFRESH_TOKENS=on in core tests: a 30-day refresh token, 10 s of grace for racing refreshes. */
export const REFRESH_POLICY: RefreshPolicy = { ttlSeconds: 30 * 24 * 3600, reuseGraceSeconds: 10 };

/**
 * The core wired to in-memory fakes and a fixed clock: no I/O, no container. With `refresh`, as
 * with REFRESH_TOKENS=on: token answers carry refresh tokens and `refreshSession` exists.
 */
export function buildCore(options: { refresh?: RefreshPolicy } = {}) {
  const clock = new FixedClock();
  const { users, widgets } = inMemoryStores();
  const revoked = new InMemoryRevokedTokens();
  const hasher = new FakePasswordHasher();
  const tokens = new FakeTokenService(clock);
  const ids = new SequentialIdGenerator();
  const audit = new RecordingAuditLog();
  const refreshTokens = new InMemoryRefreshTokens(users, revoked);
  const refreshing = options.refresh ? { store: refreshTokens, policy: options.refresh } : null;
  const issuer = new AccessTokenIssuer(tokens, clock, ids, TOKEN_TTL_SECONDS, refreshing);
  const addUser = new AddUser(users, hasher, clock, ids, audit);
  const loginFailures = new InMemoryAttemptLimiter(clock, LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECONDS);
  const confirmPassword = new ConfirmPassword(hasher, loginFailures);
  return {
    clock,
    users,
    revoked,
    refreshTokens,
    widgets,
    hasher,
    tokens,
    audit,
    loginFailures,
    addUser,
    registerUser: new RegisterUser(addUser, issuer),
    logIn: new LogIn(users, hasher, issuer, loginFailures, audit),
    logOut: new LogOut(revoked, audit, { store: refreshTokens, clock }),
    refreshSession: refreshing ? new RefreshSession(issuer, audit) : null,
    logOutEverywhere: new LogOutEverywhere(users, audit),
    changePassword: new ChangePassword(users, hasher, confirmPassword, issuer, audit),
    authenticate: new AuthenticateRequest(tokens, new InMemorySessionLookup(users, revoked)),
    getCurrentUser: new GetCurrentUser(clock),
    changeAdminRights: new ChangeAdminRights(users, audit),
    deleteUser: new DeleteUser(users, audit),
    deleteOwnAccount: new DeleteOwnAccount(confirmPassword, users, audit),
    getUser: new GetUser(users),
    listUsers: new ListUsers(users),
    purgeRevokedTokens: new PurgeRevokedTokens(revoked, clock, refreshTokens),
    createWidget: new CreateWidget(widgets, clock),
    getWidget: new GetWidget(widgets),
    listWidgets: new ListWidgets(widgets),
    putWidget: new PutWidget(widgets, clock),
    deleteWidget: new DeleteWidget(widgets),
  };
}

export type Core = ReturnType<typeof buildCore>;

/** The core with an admin and a non-admin, authenticated as actors. */
export async function buildCoreWithActors() {
  const core = buildCore();
  const actorFor = async (email: string, admin: boolean) => {
    await core.addUser.execute({ email, password: 'password1', admin }, TEST_ORIGIN);
    const { accessToken } = await core.logIn.execute({ email, password: 'password1' }, TEST_ORIGIN);
    return core.authenticate.execute(accessToken);
  };
  const admin = await actorFor('admin@example.com', true);
  const user = await actorFor('user@example.com', false);
  // The set-up's own events (register, login) are not what a test asserts on.
  core.audit.entries.length = 0;
  return { core, admin, user };
}

/** The origin of a request from nowhere in particular (as the command line sends). */
export const NO_ORIGIN: RequestOrigin = { requestId: null, clientAddress: null };
