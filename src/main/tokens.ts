import type { Container, ServiceIdentifier } from 'inversify';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { AccessTokenIssuer } from '../application/AccessTokenIssuer.js';
import type { AddUser } from '../application/AddUser.js';
import type { AuthenticateRequest } from '../application/AuthenticateRequest.js';
import type { ChangeAdminRights } from '../application/ChangeAdminRights.js';
import type { ChangePassword } from '../application/ChangePassword.js';
import type { ConfirmPassword } from '../application/ConfirmPassword.js';
import type { CreateWidget } from '../application/CreateWidget.js';
import type { DeleteOwnAccount } from '../application/DeleteOwnAccount.js';
import type { DeleteUser } from '../application/DeleteUser.js';
import type { DeleteWidget } from '../application/DeleteWidget.js';
import type { GetCurrentUser } from '../application/GetCurrentUser.js';
import type { GetUser } from '../application/GetUser.js';
import type { GetWidget } from '../application/GetWidget.js';
import type { ListUsers } from '../application/ListUsers.js';
import type { ListWidgets } from '../application/ListWidgets.js';
import type { LogIn } from '../application/LogIn.js';
import type { LogOut } from '../application/LogOut.js';
import type { LogOutEverywhere } from '../application/LogOutEverywhere.js';
import type { PurgeRevokedTokens } from '../application/PurgeRevokedTokens.js';
import type { PutWidget } from '../application/PutWidget.js';
import type { RefreshSession } from '../application/RefreshSession.js';
import type { RegisterUser } from '../application/RegisterUser.js';
import type { PublicJwk, TokenSigning } from '../adapters/security/signingKeys.js';
import type {
  AttemptLimiter,
  AuditLog,
  Clock,
  IdGenerator,
  PasswordHasher,
  RefreshTokens,
  RevokedTokens,
  SessionLookup,
  TokenService,
  UserRepository,
  WidgetRepository,
} from '../domain/index.js';

declare const bound: unique symbol;
/**
 * A service identifier that carries the type bound to it. Inversify's `ServiceIdentifier<T>`
 * is any symbol whatever T is, so on its own it lets one token stand for another; the brand
 * (invariant in T) makes a Token<A> unusable where a Token<B> is expected.
 */
export type Token<T> = ServiceIdentifier<T> & symbol & { readonly [bound]: (value: T) => T };
type AnyToken = symbol & { readonly [bound]: unknown };
/** The values a list of tokens resolves to, in order. */
type Resolved<Ids extends readonly AnyToken[]> = {
  -readonly [K in keyof Ids]: Ids[K] extends Token<infer T> ? T : never;
};

const token = <T>(name: string) => Symbol.for(name) as Token<T>;

export const TOKENS = {
  Knex: token<Knex>('Knex'),
  /** Bound only with RATE_LIMIT_STORE=redis: the client the attempt counters use. */
  Redis: token<Redis>('Redis'),
  Clock: token<Clock>('Clock'),
  AuditLog: token<AuditLog>('AuditLog'),
  IdGenerator: token<IdGenerator>('IdGenerator'),
  UserRepository: token<UserRepository>('UserRepository'),
  RevokedTokens: token<RevokedTokens>('RevokedTokens'),
  SessionLookup: token<SessionLookup>('SessionLookup'),
  /** Bound whatever REFRESH_TOKENS says: the purge deletes expired rows after it is turned off. */
  RefreshTokens: token<RefreshTokens>('RefreshTokens'),
  WidgetRepository: token<WidgetRepository>('WidgetRepository'),
  PasswordHasher: token<PasswordHasher>('PasswordHasher'),
  TokenService: token<TokenService>('TokenService'),
  /** The HS256 secret, or the EdDSA/ES256 key pair and retired keys (read when first needed). */
  TokenSigning: token<TokenSigning>('TokenSigning'),
  /** What /.well-known/jwks.json publishes: the public keys, current first; none with HS256. */
  PublicJwks: token<readonly PublicJwk[]>('PublicJwks'),
  AccessTokenIssuer: token<AccessTokenIssuer>('AccessTokenIssuer'),
  AddUser: token<AddUser>('AddUser'),
  RegisterUser: token<RegisterUser>('RegisterUser'),
  LogIn: token<LogIn>('LogIn'),
  LogOut: token<LogOut>('LogOut'),
  LogOutEverywhere: token<LogOutEverywhere>('LogOutEverywhere'),
  /** Bound only with REFRESH_TOKENS=on. */
  RefreshSession: token<RefreshSession>('RefreshSession'),
  ConfirmPassword: token<ConfirmPassword>('ConfirmPassword'),
  ChangePassword: token<ChangePassword>('ChangePassword'),
  GetCurrentUser: token<GetCurrentUser>('GetCurrentUser'),
  AuthenticateRequest: token<AuthenticateRequest>('AuthenticateRequest'),
  DeleteOwnAccount: token<DeleteOwnAccount>('DeleteOwnAccount'),
  ListUsers: token<ListUsers>('ListUsers'),
  GetUser: token<GetUser>('GetUser'),
  ChangeAdminRights: token<ChangeAdminRights>('ChangeAdminRights'),
  DeleteUser: token<DeleteUser>('DeleteUser'),
  PurgeRevokedTokens: token<PurgeRevokedTokens>('PurgeRevokedTokens'),
  CreateWidget: token<CreateWidget>('CreateWidget'),
  GetWidget: token<GetWidget>('GetWidget'),
  ListWidgets: token<ListWidgets>('ListWidgets'),
  PutWidget: token<PutWidget>('PutWidget'),
  DeleteWidget: token<DeleteWidget>('DeleteWidget'),
  /** Failed logins per account. */
  LoginFailureLimiter: token<AttemptLimiter>('LoginFailureLimiter'),
  /** Login and register requests per client address. */
  AuthRequestLimiter: token<AttemptLimiter>('AuthRequestLimiter'),
} as const;

/**
 * Binds `id` to what `factory` makes of the values of `dependencies`, resolved in order
 * (Inversify's `toResolvedValue`). The factory's parameter types are those of the tokens, and
 * its result must be the type `id` names: a dependency list in the wrong order, too short, or
 * naming another port does not compile.
 */
export function bindResolved<T, const Ids extends readonly AnyToken[]>(
  container: Container,
  id: Token<T>,
  dependencies: Ids,
  factory: (...values: Resolved<Ids>) => T,
): void {
  // Inversify checks neither list nor factory against the other; the signature above has.
  container
    .bind(id)
    .toResolvedValue(
      factory as (...values: unknown[]) => T,
      dependencies as readonly ServiceIdentifier[] as ServiceIdentifier[],
    );
}

/**
 * `bindResolved` for a class whose constructor takes exactly the listed dependencies, in order:
 * the compiler holds the list to the constructor's parameters.
 */
export function bindClass<T, const Ids extends readonly AnyToken[]>(
  container: Container,
  id: Token<T>,
  dependencies: Ids,
  Class: new (...values: Resolved<Ids>) => T,
): void {
  bindResolved(container, id, dependencies, (...values) => new Class(...values));
}
