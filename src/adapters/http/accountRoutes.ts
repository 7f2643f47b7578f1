import type { Router } from '@koa/router';
import type { AuthenticateRequest } from '../../application/AuthenticateRequest.js';
import type { ChangeAdminRights } from '../../application/ChangeAdminRights.js';
import type { DeleteOwnAccount } from '../../application/DeleteOwnAccount.js';
import type { DeleteUser } from '../../application/DeleteUser.js';
import type { GetUser } from '../../application/GetUser.js';
import type { ListUsers } from '../../application/ListUsers.js';
import { actorOf, adminOnly, authenticated } from './authentication.js';
import { requestBody } from './body.js';
import { baseUrl, originOf, type GatehouseContext, type GatehouseState } from './context.js';
import { requestedPage, sendPage } from './paging.js';
import { presentAccount, USERS_PATH } from './presentation.js';
import { adminRightsSchema, passwordConfirmationSchema } from './schemas.js';
import { validator } from './validation.js';

export interface AccountUseCases {
  authenticate: AuthenticateRequest;
  deleteOwnAccount: DeleteOwnAccount;
  listUsers: ListUsers;
  getUser: GetUser;
  changeAdminRights: ChangeAdminRights;
  deleteUser: DeleteUser;
}

const passwordConfirmation = validator(passwordConfirmationSchema);
const adminRights = validator(adminRightsSchema);

/** The `:public_id` path parameter, as sent. */
function publicIdParam(ctx: GatehouseContext & { params: Record<string, string | undefined> }) {
  return ctx.params.public_id ?? '';
}

/**
 * A form has only strings: its `admin` is the boolean spelt `true` or `false`; anything else is
 * left for the validator to refuse. JSON must send a boolean.
 */
function formBooleans(ctx: GatehouseContext, body: unknown, field: string): unknown {
  if (!ctx.is('application/x-www-form-urlencoded')) return body;
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, field)) return body;
  const value: unknown = (body as Record<string, unknown>)[field];
  if (value !== 'true' && value !== 'false') return body;
  return { ...body, [field]: value === 'true' };
}

export function addAccountRoutes(router: Router<GatehouseState>, useCases: AccountUseCases): void {
  const requireToken = authenticated(useCases.authenticate);
  const user = `${USERS_PATH}/:public_id`;

  router.delete('/api/v1/auth/user', requireToken, requestBody, async (ctx) => {
    const { password } = passwordConfirmation(ctx.request.body);
    await useCases.deleteOwnAccount.execute(actorOf(ctx), password, originOf(ctx));
    ctx.status = 204;
  });

  router.get(USERS_PATH, requireToken, adminOnly, async (ctx) => {
    const base = baseUrl(ctx);
    const listing = await useCases.listUsers.execute(actorOf(ctx), requestedPage(ctx.query));
    sendPage(ctx, base, USERS_PATH, listing, presentAccount);
  });

  router.get(user, requireToken, adminOnly, async (ctx) => {
    ctx.body = presentAccount(await useCases.getUser.execute(actorOf(ctx), publicIdParam(ctx)));
  });

  router.patch(user, requireToken, adminOnly, requestBody, async (ctx) => {
    const { admin } = adminRights(formBooleans(ctx, ctx.request.body, 'admin'));
    const target = { publicId: publicIdParam(ctx) };
    const changed = await useCases.changeAdminRights.execute(
      actorOf(ctx),
      target,
      admin,
      originOf(ctx),
    );
    ctx.body = presentAccount(changed);
  });

  router.delete(user, requireToken, adminOnly, async (ctx) => {
    const target = { publicId: publicIdParam(ctx) };
    await useCases.deleteUser.execute(actorOf(ctx), target, originOf(ctx));
    ctx.status = 204;
  });
}
