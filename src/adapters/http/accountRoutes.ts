import type { ChangeAdminRights } from '../../application/ChangeAdminRights.js';
import { PASSWORD_MISMATCH_MESSAGE } from '../../application/ConfirmPassword.js';
import type { DeleteOwnAccount } from '../../application/DeleteOwnAccount.js';
import type { DeleteUser } from '../../application/DeleteUser.js';
import type { GetUser } from '../../application/GetUser.js';
import type { ListUsers } from '../../application/ListUsers.js';
import { LAST_ADMINISTRATOR_MESSAGE, stillOwnsWidgets, userNotFound } from '../../domain/index.js';
import { actorOf } from './authentication.js';
import { baseUrl, originOf } from './context.js';
import { PAGE_QUERY, pageResponses } from './listing.js';
import {
  BAD_BODY,
  errorResponse,
  jsonResponse,
  RESPONSES,
  tokenOrPasswordRefused,
  validationFailed,
} from './openapiAnswers.js';
import { requestedPage, sendPage } from './paging.js';
import { presentAccount, USERS_PATH } from './presentation.js';
import { componentRef } from './representations.js';
import { route, type Parameter, type Route } from './route.js';
import { adminRightsSchema, passwordConfirmationSchema } from './schemas.js';
import { MISSING_FIELD } from './validation.js';
import Type from './jsonSchema.js';

export interface AccountUseCases {
  deleteOwnAccount: DeleteOwnAccount;
  listUsers: ListUsers;
  getUser: GetUser;
  changeAdminRights: ChangeAdminRights;
  deleteUser: DeleteUser;
}

type Deps = { useCases: AccountUseCases };

/** RFC 9562's text form: 32 hex digits and 4 hyphens. */
const UUID_LENGTH = 36;
const PUBLIC_ID: Record<string, Parameter> = {
  public_id: {
    description: 'The UUID of the user (any case)',
    schema: Type.String({
      format: 'uuid',
      maxLength: UUID_LENGTH,
      examples: ['00000000-0000-4000-8000-000000000001'],
    }),
  },
};
const tags = ['users'];
const user = `${USERS_PATH}/:public_id`;
const notFound = errorResponse(
  'No user has that public id (a value that is not a UUID names nobody)',
  userNotFound('00000000-0000-4000-8000-000000000001').message,
);
const lastAdmin = LAST_ADMINISTRATOR_MESSAGE;
const ownsWidgets = stillOwnsWidgets('user@example.com', 2).message;
const account = (description: string) => jsonResponse(description, componentRef('Account'));

export const accountRoutes: ReadonlyArray<Route<Deps>> = [
  route({
    method: 'delete',
    path: '/api/v1/auth/user',
    auth: 'token',
    operation: {
      tags: ['auth'],
      summary: 'Delete the account of the presented token',
      description:
        'Its tokens are refused from then on and its email can register again. A wrong ' +
        'password counts towards the per-account login failure limit.',
      operationId: 'deleteOwnAccount',
    },
    body: {
      component: 'PasswordConfirmation',
      schema: passwordConfirmationSchema,
      description: '`password`: the current password.',
    },
    responses: {
      '204': { description: 'Deleted' },
      '400': validationFailed({ password: MISSING_FIELD }, BAD_BODY),
      '401': tokenOrPasswordRefused(PASSWORD_MISMATCH_MESSAGE),
      '409': errorResponse(
        `The account owns widgets (\`${ownsWidgets}\`), or is the last administrator ` +
          `(\`${lastAdmin}\`); nothing is deleted`,
        ownsWidgets,
      ),
      '429': RESPONSES.rateLimited,
    },
    handler:
      ({ useCases }, readBody) =>
      async (ctx) => {
        const { password } = readBody(ctx);
        await useCases.deleteOwnAccount.execute(actorOf(ctx), password, originOf(ctx));
        ctx.status = 204;
      },
  }),
  route({
    method: 'get',
    path: USERS_PATH,
    auth: 'admin',
    operation: {
      tags,
      summary: 'A page of users, oldest first (administrators)',
      operationId: 'listUsers',
    },
    query: PAGE_QUERY,
    responses: pageResponses('AccountPage'),
    handler:
      ({ useCases }) =>
      async (ctx) => {
        const base = baseUrl(ctx);
        const listing = await useCases.listUsers.execute(actorOf(ctx), requestedPage(ctx.query));
        sendPage(ctx, base, USERS_PATH, listing, presentAccount);
      },
  }),
  route({
    method: 'get',
    path: user,
    auth: 'admin',
    operation: { tags, summary: 'One user (administrators)', operationId: 'getUser' },
    params: PUBLIC_ID,
    responses: { '200': account('The user'), '404': notFound },
    handler:
      ({ useCases }) =>
      async (ctx) => {
        const found = await useCases.getUser.execute(actorOf(ctx), ctx.params.public_id ?? '');
        ctx.body = presentAccount(found);
      },
  }),
  route({
    method: 'patch',
    path: user,
    auth: 'admin',
    operation: {
      tags,
      summary: "Grant or withdraw a user's admin rights (administrators)",
      description: "Effective on that user's next request.",
      operationId: 'changeAdminRights',
    },
    params: PUBLIC_ID,
    body: {
      component: 'AdminRights',
      schema: adminRightsSchema,
      description: '`admin`: a boolean (`true`/`false` in a form).',
    },
    responses: {
      '200': account('The user, as changed'),
      '400': validationFailed({ admin: 'admin must be a boolean' }, BAD_BODY),
      '404': notFound,
      '409': errorResponse('The user is the last administrator', lastAdmin),
    },
    handler:
      ({ useCases }, readBody) =>
      async (ctx) => {
        const { admin } = readBody(ctx);
        const target = { publicId: ctx.params.public_id ?? '' };
        const actor = actorOf(ctx);
        const changed = await useCases.changeAdminRights.execute(
          actor,
          target,
          admin,
          originOf(ctx),
        );
        ctx.body = presentAccount(changed);
      },
  }),
  route({
    method: 'delete',
    path: user,
    auth: 'admin',
    operation: {
      tags,
      summary: 'Delete a user (administrators)',
      description: 'Its tokens are refused from then on and its email can register again.',
      operationId: 'deleteUser',
    },
    params: PUBLIC_ID,
    responses: {
      '204': { description: 'Deleted' },
      '404': notFound,
      '409': errorResponse(
        `The last administrator (\`${lastAdmin}\`), or an owner of widgets ` +
          `(\`${ownsWidgets}\`); nothing is deleted`,
        lastAdmin,
      ),
    },
    handler:
      ({ useCases }) =>
      async (ctx) => {
        const target = { publicId: ctx.params.public_id ?? '' };
        await useCases.deleteUser.execute(actorOf(ctx), target, originOf(ctx));
        ctx.status = 204;
      },
  }),
];
