import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import type { Actor } from '../../domain/index.js';

/** Per-request state shared by Gatehouse's middleware. */
export interface GatehouseState {
  requestId: string;
  log: Logger;
  /** Set by the `authenticated` middleware on protected routes. */
  actor?: Actor;
}

export type GatehouseContext = ParameterizedContext<GatehouseState>;
