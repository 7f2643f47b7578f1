import type { AuthenticateRequest } from '../../application/AuthenticateRequest.js';
import type { IssuedToken } from '../../application/AccessTokenIssuer.js';
import type { ChangePassword } from '../../application/ChangePassword.js';
import { PASSWORD_MISMATCH_MESSAGE } from '../../application/ConfirmPassword.js';
import type { GetCurrentUser } from '../../application/GetCurrentUser.js';
import { BAD_CREDENTIALS_MESSAGE, type LogIn } from '../../application/LogIn.js';
import type { LogOut } from '../../application/LogOut.js';
import type { LogOutEverywhere } from '../../application/LogOutEverywhere.js';
import type { RefreshSession } from '../../application/RefreshSession.js';
import type { RegisterUser } from '../../application/RegisterUser.js';
import {
  EMAIL_MAX_LENGTH,
  emailProblem,
  emailTaken,
  PASSWORD_MAX_BYTES,
  PASSWORD_MESSAGE,
  PASSWORD_MIN_CHARACTERS,
  passwordProblem,
  TOKEN_MESSAGES,
  type AttemptLimiter,
} from '../../domain/index.js';
import { actorOf } from './authentication.js';
import { originOf, type GatehouseContext } from './context.js';
import {
  BAD_BODY,
  errorResponse,
  HEADERS,
  jsonResponse,
  messageResponse,
  RESPONSES,
  tokenOrPasswordRefused,
  tokenResponse,
  validationFailed,
} from './openapiAnswers.js';
import { presentUser } from './presentation.js';
import { componentRef, type TokenRepresentation } from './representations.js';
import { route, type Route } from './route.js';
import {
  credentialsSchema,
  passwordChangeSchema,
  refreshRequestSchema,
  registrationSchema,
} from './schemas.js';
import { MISSING_FIELD } from './validation.js';

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

type Deps = { useCases: AuthUseCases };

function sendToken(ctx: GatehouseContext, status: number, message: string, issued: IssuedToken) {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  const body: TokenRepresentation = {
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
  ctx.body = body;
}

const PASSWORD_LENGTHS = `at least ${PASSWORD_MIN_CHARACTERS} characters and at most ${PASSWORD_MAX_BYTES} bytes in UTF-8.`;
const EMAIL_RULE = `\`email\`: trimmed and lower-cased, at most ${EMAIL_MAX_LENGTH} characters, an ASCII \`local@domain\` with a dotted domain.`;
const tags = ['auth'];
export const REFRESH_PATH = '/api/v1/auth/refresh';

// Each answer's message, as sent and as documented.
const REGISTERED = 'successfully registered';
const LOGGED_IN = 'successfully logged in';
const REFRESHED = 'token refreshed';
const LOGGED_OUT = 'successfully logged out';
const LOGGED_OUT_ALL = 'successfully logged out everywhere';
const PASSWORD_CHANGED = 'password changed';

export const authRoutes: ReadonlyArray<Route<Deps>> = [
  route({
    method: 'post',
    path: '/api/v1/auth/register',
    auth: 'public',
    throttled: true,
    operation: {
      tags,
      summary: 'Register a user and get an access token',
      operationId: 'register',
    },
    body: {
      component: 'Registration',
      schema: registrationSchema,
      rules: () => ({ email: emailProblem, password: passwordProblem }),
      description: `${EMAIL_RULE} \`password\`: ${PASSWORD_LENGTHS}`,
    },
    responses: {
      '201': tokenResponse('Registered', REGISTERED),
      '400': validationFailed({ password: PASSWORD_MESSAGE }, BAD_BODY),
      '409': errorResponse(
        'The (normalised) email is already registered',
        emailTaken('user@example.com').message,
      ),
    },
    handler:
      ({ useCases }, readBody) =>
      async (ctx) => {
        const issued = await useCases.registerUser.execute(readBody(ctx), originOf(ctx));
        sendToken(ctx, 201, REGISTERED, issued);
      },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/login',
    auth: 'public',
    throttled: true,
    countsLogins: true,
    operation: { tags, summary: 'Log in and get an access token', operationId: 'login' },
    body: {
      component: 'Credentials',
      schema: credentialsSchema,
      // Only the email's form is checked; the password policy is a register-time rule.
      rules: () => ({ email: emailProblem }),
      description: `${EMAIL_RULE} \`password\`: required; the register-time length rule is not applied.`,
    },
    responses: {
      '200': tokenResponse('Logged in', LOGGED_IN),
      '400': validationFailed({ email: emailProblem('nobody') ?? '' }, BAD_BODY),
      '401': errorResponse(
        'Unknown email or wrong password (indistinguishable)',
        BAD_CREDENTIALS_MESSAGE,
      ),
    },
    handler:
      ({ useCases }, readBody) =>
      async (ctx) => {
        const issued = await useCases.logIn.execute(readBody(ctx), originOf(ctx));
        sendToken(ctx, 200, LOGGED_IN, issued);
      },
  }),
  route({
    method: 'post',
    path: REFRESH_PATH,
    auth: 'public',
    // Not throttled per client like login and register: that limit guards password guessing
    // and account creation, while a refresh token is 256 random bits no one can guess, costs
    // one indexed lookup, and counting it would let a client's routine refreshes (short access
    // tokens, several tabs behind one address) use up that address's logins.
    requires: 'refreshTokens',
    operation: {
      tags,
      summary: 'Spend a refresh token for a new access token and a new refresh token',
      description:
        'Served only with REFRESH_TOKENS=on; otherwise this path is a 404. No access token ' +
        'needed, and not counted towards AUTH_MAX_REQUESTS. Each refresh token works once ' +
        '(rotation): keep the new one from the answer. Presenting a spent one again more than ' +
        'REFRESH_REUSE_GRACE_SECONDS after it was spent revokes its whole family — the live ' +
        'refresh token and every access token issued from that login — while the same ' +
        "user's other logins live on; within that grace it is refused and nothing is revoked.",
      operationId: 'refresh',
    },
    body: {
      component: 'RefreshRequest',
      schema: refreshRequestSchema,
      description: '`refresh_token`: the refresh token of the latest token answer.',
    },
    responses: {
      '200': tokenResponse(
        'Refreshed: a new access token and a new refresh token; the presented one is spent',
        REFRESHED,
      ),
      '400': validationFailed({ refresh_token: MISSING_FIELD }, BAD_BODY),
      '401': errorResponse(
        'A refresh token that is malformed, unknown, expired, spent or revoked, or whose ' +
          'user is gone: indistinguishable, and answered as an invalid token: log in again',
        TOKEN_MESSAGES.TOKEN_INVALID,
        { 'WWW-Authenticate': HEADERS.wwwAuthenticate },
      ),
      '500': RESPONSES.internalError,
      '503': RESPONSES.unavailable,
    },
    handler: ({ useCases }, readBody) => {
      const { refreshSession } = useCases;
      if (refreshSession === null) throw new Error('refresh route without REFRESH_TOKENS=on');
      return async (ctx) => {
        const body = readBody(ctx);
        const issued = await refreshSession.execute(body.refresh_token, originOf(ctx));
        sendToken(ctx, 200, REFRESHED, issued);
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/auth/user',
    auth: 'token',
    operation: {
      tags,
      summary: 'The user of the presented token',
      operationId: 'getCurrentUser',
    },
    responses: {
      '200': jsonResponse('The user', componentRef('User'), {
        headers: { 'Cache-Control': HEADERS.noStore },
      }),
    },
    handler:
      ({ useCases }) =>
      async (ctx) => {
        const current = await useCases.getCurrentUser.execute(actorOf(ctx));
        ctx.set('Cache-Control', 'no-store');
        ctx.body = presentUser(current.user, current.tokenExpiresIn);
      },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/logout',
    auth: 'token',
    operation: {
      tags,
      summary: 'Revoke the presented token (until it expires)',
      description: 'No body needed. Other tokens of the same user stay valid.',
      operationId: 'logout',
    },
    responses: { '200': messageResponse('Logged out', LOGGED_OUT) },
    handler:
      ({ useCases }) =>
      async (ctx) => {
        await useCases.logOut.execute(actorOf(ctx), originOf(ctx));
        ctx.body = { status: 'success', message: LOGGED_OUT };
      },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/logout-all',
    auth: 'token',
    operation: {
      tags,
      summary: 'Revoke every token of the user issued until now, this one included',
      description:
        'No body needed. Every instance refuses those tokens from the next request on ' +
        `(\`${TOKEN_MESSAGES.TOKEN_REVOKED}\`); log in again for a new one.`,
      operationId: 'logoutAll',
    },
    responses: {
      '200': messageResponse('Logged out everywhere', LOGGED_OUT_ALL),
    },
    handler:
      ({ useCases }) =>
      async (ctx) => {
        await useCases.logOutEverywhere.execute(actorOf(ctx), originOf(ctx));
        ctx.body = { status: 'success', message: LOGGED_OUT_ALL };
      },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/password',
    auth: 'token',
    operation: {
      tags,
      summary: 'Change the password, ending every other session',
      description:
        'Answers a fresh token. Every other token of the user issued before the change, in ' +
        `the same second too, is refused from then on (\`${TOKEN_MESSAGES.TOKEN_REVOKED}\`). ` +
        'A wrong `current_password` counts towards the per-account limit of failed logins.',
      operationId: 'changePassword',
    },
    body: {
      component: 'PasswordChange',
      schema: passwordChangeSchema,
      // A missing `current_password` is a 400 like login's missing `password`; a wrong one a 401.
      rules: () => ({ new_password: passwordProblem }),
      description: `\`current_password\`: required. \`new_password\`: ${PASSWORD_LENGTHS}`,
    },
    responses: {
      '200': tokenResponse('Changed: a fresh token', PASSWORD_CHANGED),
      '400': validationFailed({ new_password: PASSWORD_MESSAGE }, BAD_BODY),
      '401': tokenOrPasswordRefused(PASSWORD_MISMATCH_MESSAGE),
      '429': RESPONSES.accountRateLimited,
    },
    handler:
      ({ useCases }, readBody) =>
      async (ctx) => {
        const body = readBody(ctx);
        const issued = await useCases.changePassword.execute(
          actorOf(ctx),
          { currentPassword: body.current_password, newPassword: body.new_password },
          originOf(ctx),
        );
        sendToken(ctx, 200, PASSWORD_CHANGED, issued);
      },
  }),
];
