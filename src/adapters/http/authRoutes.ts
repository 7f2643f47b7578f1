import type { Router } from '@koa/router';
import type { AuthenticateRequest } from '../../application/AuthenticateRequest.js';
import type { IssuedToken } from '../../application/AccessTokenIssuer.js';
import type { ChangePassword } from '../../application/ChangePassword.js';
import type { GetCurrentUser } from '../../application/GetCurrentUser.js';
import type { LogIn } from '../../application/LogIn.js';
import type { LogOut } from '../../application/LogOut.js';
import type { LogOutEverywhere } from '../../application/LogOutEverywhere.js';
import type { RefreshSession } from '../../application/RefreshSession.js';
import type { RegisterUser } from '../../application/RegisterUser.js';
import { emailProblem, passwordProblem, type AttemptLimiter } from '../../domain/index.js';
import { actorOf, authenticated, limitPerClient } from './authentication.js';
import { requestBody } from './body.js';
import { originOf, type GatehouseContext, type GatehouseState } from './context.js';
import { countLogins, type HttpMetrics } from './metrics.js';
import { presentUser } from './presentation.js';
import { credentialsSchema, passwordChangeSchema, refreshRequestSchema } from './schemas.js';
import { validator } from './validation.js';

export interface AuthUseCases {
  registerUser: RegisterUser;
  logIn: LogIn;
  logOut: LogOut;
  logOutEverywhere: LogOutEverywhere;
  changePassword: ChangePassword;
  getCurrentUser: GetCurrentUser;
  authenticate: AuthenticateRequest;
  /** Login and register requests per client address. */
  authRequestLimiter: AttemptLimiter;
  /** REFRESH_TOKENS=on; null (off): `/api/v1/auth/refresh` is not a route at all. */
  refreshSession: RefreshSession | null;
}

const registration = validator(credentialsSchema, {
  email: emailProblem,
  password: passwordProblem,
});
// On login only the email's form is checked; the password policy is a register-time rule.
const login = validator(credentialsSchema, { email: emailProblem });
// A missing `current_password` is a 400 like login's missing `password`; a wrong one is a 401.
const passwordChange = validator(passwordChangeSchema, { new_password: passwordProblem });
const refreshRequest = validator(refreshRequestSchema);

function sendToken(ctx: GatehouseContext, status: number, message: string, issued: IssuedToken) {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  ctx.body = {
    status: 'success',
    message,
    access_token: issued.accessToken,
    token_type: 'bearer',
    expires_in: issued.expiresIn,
    // With refresh tokens off the body stays exactly the tutorial's: no null fields.
    ...(issued.refresh === null
      ? {}
      : { refresh_token: issued.refresh.token, refresh_expires_in: issued.refresh.expiresIn }),
  };
}

export function addAuthRoutes(
  router: Router<GatehouseState>,
  useCases: AuthUseCases,
  metrics: HttpMetrics | null = null,
): void {
  const requireToken = authenticated(useCases.authenticate);
  const throttle = limitPerClient(useCases.authRequestLimiter);
  const loginSteps = metrics ? [countLogins(metrics), throttle] : [throttle];

  router.post('/api/v1/auth/register', throttle, requestBody, async (ctx) => {
    const body = registration(ctx.request.body);
    const issued = await useCases.registerUser.execute(body, originOf(ctx));
    sendToken(ctx, 201, 'successfully registered', issued);
  });

  router.post('/api/v1/auth/login', ...loginSteps, requestBody, async (ctx) => {
    const issued = await useCases.logIn.execute(login(ctx.request.body), originOf(ctx));
    sendToken(ctx, 200, 'successfully logged in', issued);
  });

  router.get('/api/v1/auth/user', requireToken, async (ctx) => {
    const current = await useCases.getCurrentUser.execute(actorOf(ctx));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentUser(current.user, current.tokenExpiresIn);
  });

  router.post('/api/v1/auth/logout', requireToken, async (ctx) => {
    await useCases.logOut.execute(actorOf(ctx), originOf(ctx));
    ctx.body = { status: 'success', message: 'successfully logged out' };
  });

  router.post('/api/v1/auth/logout-all', requireToken, async (ctx) => {
    await useCases.logOutEverywhere.execute(actorOf(ctx), originOf(ctx));
    ctx.body = { status: 'success', message: 'successfully logged out everywhere' };
  });

  router.post('/api/v1/auth/password', requireToken, requestBody, async (ctx) => {
    const body = passwordChange(ctx.request.body);
    const issued = await useCases.changePassword.execute(
      actorOf(ctx),
      { currentPassword: body.current_password, newPassword: body.new_password },
      originOf(ctx),
    );
    sendToken(ctx, 200, 'password changed', issued);
  });

  const { refreshSession } = useCases;
  if (refreshSession) {
    // Not throttled per client like login and register: that limit guards password guessing
    // and account creation, while a refresh token is 256 random bits no one can guess, costs one
    // indexed lookup, and counting it would let a client's routine refreshes (short access
    // tokens, several tabs behind one address) use up that address's logins.
    router.post('/api/v1/auth/refresh', requestBody, async (ctx) => {
      const body = refreshRequest(ctx.request.body);
      const issued = await refreshSession.execute(body.refresh_token, originOf(ctx));
      sendToken(ctx, 200, 'token refreshed', issued);
    });
  }
}
