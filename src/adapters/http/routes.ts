import { accountRoutes, type AccountUseCases } from './accountRoutes.js';
import { authRoutes, type AuthUseCases } from './authRoutes.js';
import { healthRoutes, type Readiness } from './healthRoutes.js';
import { jwksRoutes, type PublishedJwk } from './jwksRoutes.js';
import { openApiRoutes } from './openapiRoutes.js';
import type { Features, Route } from './route.js';
import { widgetRoutes, type WidgetUseCases } from './widgetRoutes.js';

export type HttpUseCases = AuthUseCases & WidgetUseCases & AccountUseCases;

/** What the handlers of the table are built with, once, at startup. */
export interface RouteDeps {
  useCases: HttpUseCases;
  readiness: Readiness;
  publicJwks: readonly PublishedJwk[];
  /** The OpenAPI document of these very routes, serialised once. */
  openApiJson: string;
}

/**
 * Every route of the API, in the order the document lists them. The router registers the same
 * list (registerRoutes), so a route is one declaration here plus its use case.
 */
export const ROUTES: ReadonlyArray<Route<RouteDeps>> = [
  ...authRoutes,
  ...widgetRoutes,
  ...accountRoutes,
  ...healthRoutes,
  ...jwksRoutes,
  ...openApiRoutes,
];

/** The routes that exist with these settings: the router and the document ask the same way. */
export function routesFor<D>(
  features: Features,
  routes: ReadonlyArray<Route<D>>,
): ReadonlyArray<Route<D>> {
  return routes.filter(
    (declared) => declared.requires === undefined || features[declared.requires],
  );
}
