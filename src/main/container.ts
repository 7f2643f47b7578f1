import { Container } from 'inversify';
import type { Logger } from 'pino';
import { AccessTokenIssuer } from '../application/AccessTokenIssuer.js';
import { AddUser } from '../application/AddUser.js';
import { AuthenticateRequest } from '../application/AuthenticateRequest.js';
import { ChangeAdminRights } from '../application/ChangeAdminRights.js';
import { ChangePassword } from '../application/ChangePassword.js';
import { ConfirmPassword } from '../application/ConfirmPassword.js';
import { CreateWidget } from '../application/CreateWidget.js';
import { DeleteOwnAccount } from '../application/DeleteOwnAccount.js';
import { DeleteUser } from '../application/DeleteUser.js';
import { DeleteWidget } from '../application/DeleteWidget.js';
import { GetCurrentUser } from '../application/GetCurrentUser.js';
import { GetUser } from '../application/GetUser.js';
import { GetWidget } from '../application/GetWidget.js';
import { ListUsers } from '../application/ListUsers.js';
import { ListWidgets } from '../application/ListWidgets.js';
import { LogIn } from '../application/LogIn.js';
import { LogOut } from '../application/LogOut.js';
import { LogOutEverywhere } from '../application/LogOutEverywhere.js';
import { PurgeRevokedTokens } from '../application/PurgeRevokedTokens.js';
import { PutWidget } from '../application/PutWidget.js';
import { RefreshSession } from '../application/RefreshSession.js';
import { RegisterUser } from '../application/RegisterUser.js';
import type { Config } from '../adapters/config/config.js';
import type { PrometheusMetrics } from '../adapters/metrics/PrometheusMetrics.js';
import { bindAdapters } from './adapters.js';
import { bindClass, bindResolved, TOKENS } from './tokens.js';

export { TOKENS } from './tokens.js';

/**
 * The composition root: the only place that knows adapters and use cases together. To swap an
 * adapter (another database, another hasher), rebind its port token in adapters.ts — nothing
 * else changes. Audit lines go to `auditLogger` (the CLI sends them apart from its plain output).
 */
export function buildContainer(
  config: Config,
  logger: Logger,
  auditLogger: Logger = logger,
  /** With METRICS_PORT: the hasher and the limiters report to it. */
  metrics: PrometheusMetrics | null = null,
): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  bindAdapters(c, config, logger, auditLogger, metrics);
  bindAccountUseCases(c, config);
  bindUserAdministration(c);
  bindWidgetUseCases(c);
  return c;
}

/** Registering, logging in and out, sessions and the account's own password. */
function bindAccountUseCases(c: Container, { tokens }: Config): void {
  // With REFRESH_TOKENS=off only a logout (ending a family started while it was on) and the
  // hourly purge call the store: every other request makes the queries it made before.
  const { refresh } = tokens;
  bindResolved(
    c,
    TOKENS.AccessTokenIssuer,
    [TOKENS.TokenService, TOKENS.Clock, TOKENS.IdGenerator, TOKENS.RefreshTokens],
    (service, clock, ids, store) =>
      new AccessTokenIssuer(
        service,
        clock,
        ids,
        tokens.ttlSeconds,
        refresh && { store, policy: refresh },
      ),
  );
  bindClass(
    c,
    TOKENS.AddUser,
    [
      TOKENS.UserRepository,
      TOKENS.PasswordHasher,
      TOKENS.Clock,
      TOKENS.IdGenerator,
      TOKENS.AuditLog,
    ],
    AddUser,
  );
  bindClass(c, TOKENS.RegisterUser, [TOKENS.AddUser, TOKENS.AccessTokenIssuer], RegisterUser);
  bindClass(
    c,
    TOKENS.LogIn,
    [
      TOKENS.UserRepository,
      TOKENS.PasswordHasher,
      TOKENS.AccessTokenIssuer,
      TOKENS.LoginFailureLimiter,
      TOKENS.AuditLog,
    ],
    LogIn,
  );
  bindResolved(
    c,
    TOKENS.LogOut,
    [TOKENS.RevokedTokens, TOKENS.AuditLog, TOKENS.RefreshTokens, TOKENS.Clock],
    (revoked, audit, store, clock) => new LogOut(revoked, audit, { store, clock }),
  );
  if (refresh) {
    bindClass(
      c,
      TOKENS.RefreshSession,
      [TOKENS.AccessTokenIssuer, TOKENS.AuditLog],
      RefreshSession,
    );
  }
  bindClass(c, TOKENS.LogOutEverywhere, [TOKENS.UserRepository, TOKENS.AuditLog], LogOutEverywhere);
  // The per-account limiter of LogIn: a wrong current password counts like a failed login.
  bindClass(
    c,
    TOKENS.ConfirmPassword,
    [TOKENS.PasswordHasher, TOKENS.LoginFailureLimiter],
    ConfirmPassword,
  );
  bindResolved(
    c,
    TOKENS.ChangePassword,
    [
      TOKENS.UserRepository,
      TOKENS.PasswordHasher,
      TOKENS.ConfirmPassword,
      TOKENS.AccessTokenIssuer,
      TOKENS.AuditLog,
    ],
    (users, hasher, confirm, issuer, audit) =>
      new ChangePassword(users, hasher, confirm, issuer, audit),
  );
  bindResolved(c, TOKENS.GetCurrentUser, [TOKENS.Clock], (clock) => new GetCurrentUser(clock));
  bindClass(
    c,
    TOKENS.AuthenticateRequest,
    [TOKENS.TokenService, TOKENS.SessionLookup],
    AuthenticateRequest,
  );
  bindClass(
    c,
    TOKENS.DeleteOwnAccount,
    [TOKENS.ConfirmPassword, TOKENS.UserRepository, TOKENS.AuditLog],
    DeleteOwnAccount,
  );
  bindResolved(
    c,
    TOKENS.PurgeRevokedTokens,
    // The store whatever REFRESH_TOKENS says: rows written while it was on still expire.
    [TOKENS.RevokedTokens, TOKENS.Clock, TOKENS.RefreshTokens],
    (revoked, clock, store) => new PurgeRevokedTokens(revoked, clock, store),
  );
}

/** What an admin (over HTTP) or the operator (CLI) does to other accounts. */
function bindUserAdministration(c: Container): void {
  bindResolved(c, TOKENS.ListUsers, [TOKENS.UserRepository], (users) => new ListUsers(users));
  bindResolved(c, TOKENS.GetUser, [TOKENS.UserRepository], (users) => new GetUser(users));
  bindClass(
    c,
    TOKENS.ChangeAdminRights,
    [TOKENS.UserRepository, TOKENS.AuditLog],
    ChangeAdminRights,
  );
  bindClass(c, TOKENS.DeleteUser, [TOKENS.UserRepository, TOKENS.AuditLog], DeleteUser);
}

function bindWidgetUseCases(c: Container): void {
  const { WidgetRepository: Widgets, Clock } = TOKENS;
  bindClass(c, TOKENS.CreateWidget, [Widgets, Clock], CreateWidget);
  bindResolved(c, TOKENS.GetWidget, [Widgets], (widgets) => new GetWidget(widgets));
  bindResolved(c, TOKENS.ListWidgets, [Widgets], (widgets) => new ListWidgets(widgets));
  bindClass(c, TOKENS.PutWidget, [Widgets, Clock], PutWidget);
  bindResolved(c, TOKENS.DeleteWidget, [Widgets], (widgets) => new DeleteWidget(widgets));
}
