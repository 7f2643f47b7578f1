import type { Router } from '@koa/router';
import type { AuthenticateRequest } from '../../application/AuthenticateRequest.js';
import type { CreateWidget } from '../../application/CreateWidget.js';
import type { DeleteWidget } from '../../application/DeleteWidget.js';
import type { GetWidget } from '../../application/GetWidget.js';
import type { ListWidgets } from '../../application/ListWidgets.js';
import type { PutWidget } from '../../application/PutWidget.js';
import {
  deadlineProblem,
  infoUrlProblem,
  widgetNameProblem,
  type Clock,
  type Widget,
} from '../../domain/index.js';
import { actorOf, adminOnly, authenticated } from './authentication.js';
import { requestBody } from './body.js';
import { baseUrl, type GatehouseContext, type GatehouseState } from './context.js';
import { requestedPage, sendPage } from './paging.js';
import { presentWidget, WIDGETS_PATH, widgetPath } from './presentation.js';
import { widgetSchema } from './schemas.js';
import { validator } from './validation.js';

export interface WidgetUseCases {
  authenticate: AuthenticateRequest;
  createWidget: CreateWidget;
  getWidget: GetWidget;
  listWidgets: ListWidgets;
  putWidget: PutWidget;
  deleteWidget: DeleteWidget;
  /** For `deadline_passed` and `time_remaining`. */
  clock: Clock;
}

/** The `:name` path parameter, as sent. */
function nameParam(ctx: GatehouseContext & { params: Record<string, string | undefined> }): string {
  return ctx.params.name ?? '';
}

/** 201 with an absolute Location; `base` is checked before anything changes (see baseUrl). */
function sendCreated(ctx: GatehouseContext, base: string, widget: Widget): void {
  ctx.status = 201;
  ctx.set('Location', `${base}${widgetPath(widget.name)}`);
  ctx.body = { status: 'success', message: `New widget added: ${widget.name}.` };
}

export function addWidgetRoutes(router: Router<GatehouseState>, useCases: WidgetUseCases): void {
  const requireToken = authenticated(useCases.authenticate);
  // Every field rule runs here, the deadline's against the same Clock as the entity's, so one
  // 400 names every failing field; the use case checks them again for any other adapter.
  const widgetFields = validator(widgetSchema, {
    name: widgetNameProblem,
    info_url: infoUrlProblem,
    deadline: (raw) => deadlineProblem(raw, useCases.clock.now()),
  });

  router.get('/api/v1/widgets', requireToken, async (ctx) => {
    const base = baseUrl(ctx);
    const listing = await useCases.listWidgets.execute(requestedPage(ctx.query));
    const now = useCases.clock.now();
    sendPage(ctx, base, WIDGETS_PATH, listing, (widget) => presentWidget(widget, now));
  });

  router.post('/api/v1/widgets', requireToken, adminOnly, requestBody, async (ctx) => {
    const base = baseUrl(ctx);
    const body = widgetFields(ctx.request.body);
    const widget = await useCases.createWidget.execute(actorOf(ctx), {
      name: body.name,
      infoUrl: body.info_url,
      deadline: body.deadline,
    });
    sendCreated(ctx, base, widget);
  });

  router.get('/api/v1/widgets/:name', requireToken, async (ctx) => {
    const widget = await useCases.getWidget.execute(nameParam(ctx));
    ctx.body = presentWidget(widget, useCases.clock.now());
  });

  router.put('/api/v1/widgets/:name', requireToken, adminOnly, requestBody, async (ctx) => {
    const base = baseUrl(ctx);
    // The path names the widget: validated with the body, so one 400 lists every field.
    const sent: unknown = ctx.request.body;
    const isObject = typeof sent === 'object' && sent !== null && !Array.isArray(sent);
    const body = widgetFields(isObject ? { ...sent, name: nameParam(ctx) } : sent);
    const { widget, created } = await useCases.putWidget.execute(actorOf(ctx), body.name, {
      infoUrl: body.info_url,
      deadline: body.deadline,
    });
    if (created) return sendCreated(ctx, base, widget);
    ctx.body = { status: 'success', message: `'${widget.name}' was successfully updated` };
  });

  router.delete('/api/v1/widgets/:name', requireToken, adminOnly, async (ctx) => {
    await useCases.deleteWidget.execute(actorOf(ctx), nameParam(ctx));
    ctx.status = 204;
  });
}
