import type { RequestOrigin } from '../../src/domain/index.js';
import { AccessTokenIssuer } from '../../src/application/AccessTokenIssuer.js';
import { AddUser } from '../../src/application/AddUser.js';
import { AuthenticateRequest } from '../../src/application/AuthenticateRequest.js';
import { GetCurrentUser } from '../../src/application/GetCurrentUser.js';
import { LogIn } from '../../src/application/LogIn.js';
import { LogOut } from '../../src/application/LogOut.js';
import { PurgeRevokedTokens } from '../../src/application/PurgeRevokedTokens.js';
import { RegisterUser } from '../../src/application/RegisterUser.js';
import { ChangeAdminRights } from '../../src/application/ChangeAdminRights.js';
import { ConfirmPassword } from '../../src/application/ConfirmPassword.js';
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
import { InMemoryRevokedTokens } from './fakes/InMemoryRevokedTokens.js';
import { inMemoryStores } from './fakes/inMemoryStores.js';
import { RecordingAuditLog } from './fakes/RecordingAuditLog.js';
import { SequentialIdGenerator } from './fakes/SequentialIdGenerator.js';

export const TOKEN_TTL_SECONDS = 900;
export const LOGIN_MAX_FAILURES = 3;
export const LOGIN_WINDOW_SECONDS = 900;

/** The core wired to in-memory fakes and a fixed clock: no I/O, no container. */
export function buildCore() {
  const clock = new FixedClock();
  const { users, widgets } = inMemoryStores();
  const revoked = new InMemoryRevokedTokens();
  const audit = new RecordingAuditLog();
  const hasher = new FakePasswordHasher();
  const tokens = new FakeTokenService(clock);
  const ids = new SequentialIdGenerator();
  const issuer = new AccessTokenIssuer(tokens, clock, ids, TOKEN_TTL_SECONDS);
  const addUser = new AddUser(users, hasher, clock, ids);
  const loginFailures = new InMemoryAttemptLimiter(clock, LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECONDS);
  return {
    audit,
    loginFailures,
    clock,
    users,
    revoked,
    widgets,
    hasher,
    tokens,
    addUser,
    registerUser: new RegisterUser(addUser, issuer),
    logIn: new LogIn(users, hasher, issuer, loginFailures),
    logOut: new LogOut(revoked),
    authenticate: new AuthenticateRequest(tokens, revoked, users),
    getCurrentUser: new GetCurrentUser(clock),
    changeAdminRights: new ChangeAdminRights(users, audit),
    deleteUser: new DeleteUser(users, audit),
    deleteOwnAccount: new DeleteOwnAccount(
      new ConfirmPassword(hasher, loginFailures),
      users,
      audit,
    ),
    getUser: new GetUser(users),
    listUsers: new ListUsers(users),
    purgeRevokedTokens: new PurgeRevokedTokens(revoked, clock),
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
    await core.addUser.execute({ email, password: 'password1', admin });
    const { accessToken } = await core.logIn.execute({ email, password: 'password1' });
    return core.authenticate.execute(accessToken);
  };
  return {
    core,
    admin: await actorFor('admin@example.com', true),
    user: await actorFor('user@example.com', false),
  };
}

/** The origin of a request from nowhere in particular (as the command line sends). */
export const NO_ORIGIN: RequestOrigin = { requestId: null, clientAddress: null };
