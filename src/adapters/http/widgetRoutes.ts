import type { CreateWidget } from '../../application/CreateWidget.js';
import type { DeleteWidget } from '../../application/DeleteWidget.js';
import type { GetWidget } from '../../application/GetWidget.js';
import type { ListWidgets } from '../../application/ListWidgets.js';
import type { PutWidget } from '../../application/PutWidget.js';
import {
  DEADLINE_FORMATS,
  deadlineProblem,
  INFO_URL_MAX_LENGTH,
  infoUrlProblem,
  WIDGET_NAME_MAX_LENGTH,
  widgetNameProblem,
  widgetNameTaken,
  type Clock,
  type Widget,
} from '../../domain/index.js';
import { actorOf } from './authentication.js';
import { baseUrl, type GatehouseContext } from './context.js';
import {
  BAD_BODY,
  BAD_HOST,
  errorResponse,
  HEADERS,
  jsonResponse,
  messageResponse,
  RESPONSES,
  validationFailed,
} from './openapiAnswers.js';
import { PAGE_QUERY, pageResponses } from './listing.js';
import { requestedPage, sendPage } from './paging.js';
import { presentWidget, WIDGETS_PATH, widgetPath } from './presentation.js';
import { componentRef } from './representations.js';
import { route, type Parameter, type Route } from './route.js';
import { widgetSchema } from './schemas.js';

export interface WidgetUseCases {
  createWidget: CreateWidget;
  getWidget: GetWidget;
  listWidgets: ListWidgets;
  putWidget: PutWidget;
  deleteWidget: DeleteWidget;
  /** For `deadline_passed` and `time_remaining`. */
  clock: Clock;
}

type Deps = { useCases: WidgetUseCases };

const added = (name: string) => `New widget added: ${name}.`;
const updated = (name: string) => `'${name}' was successfully updated`;

/** 201 with an absolute Location; `base` is checked before anything changes (see baseUrl). */
function sendCreated(ctx: GatehouseContext, base: string, widget: Widget): void {
  ctx.status = 201;
  ctx.set('Location', `${base}${widgetPath(widget.name)}`);
  ctx.body = { status: 'success', message: added(widget.name) };
}

// Every field rule runs at the edge, the deadline's against the same Clock as the entity's, so
// one 400 names every failing field; the use case checks them again for any other adapter.
const rules = ({ useCases }: Deps) => ({
  name: widgetNameProblem,
  info_url: infoUrlProblem,
  deadline: (raw: string) => deadlineProblem(raw, useCases.clock.now()),
});

const NAME_RULE = `Lower-cased, then 1 to ${WIDGET_NAME_MAX_LENGTH} of \`a-z\`, \`0-9\`, \`-\` and \`_\`. Lookups are case-insensitive.`;
const INFO_URL_RULE = `\`info_url\`: at most ${INFO_URL_MAX_LENGTH} characters, http or https, a DNS host name (no IP, no localhost, no port, no user info).`;
const DEADLINE_RULE =
  '`deadline`: `YYYY-MM-DD` (or `YYYY-M-D`), `MM/DD/YYYY`, `MM/DD/YY`, `Mon DD YYYY` or an ISO 8601 date-time; today or later (UTC).';
const WIDGET_RULES = `${INFO_URL_RULE} ${DEADLINE_RULE}`;
const NAME: Record<string, Parameter> = {
  name: { description: NAME_RULE, schema: widgetSchema.properties.name },
};
const tags = ['widgets'];
const widget = `${WIDGETS_PATH}/:name`;

const created = jsonResponse('Created', componentRef('Message'), {
  headers: { Location: HEADERS.location },
  example: { status: 'success', message: added('my-widget') },
});

export const widgetRoutes: ReadonlyArray<Route<Deps>> = [
  route({
    method: 'get',
    path: WIDGETS_PATH,
    auth: 'token',
    operation: { tags, summary: 'A page of widgets, oldest first', operationId: 'listWidgets' },
    query: PAGE_QUERY,
    responses: pageResponses('WidgetPage'),
    handler:
      ({ useCases }) =>
      async (ctx) => {
        const base = baseUrl(ctx);
        const listing = await useCases.listWidgets.execute(requestedPage(ctx.query));
        const now = useCases.clock.now();
        sendPage(ctx, base, WIDGETS_PATH, listing, (item) => presentWidget(item, now));
      },
  }),
  route({
    method: 'post',
    path: WIDGETS_PATH,
    auth: 'admin',
    operation: { tags, summary: 'Add a widget (administrators)', operationId: 'createWidget' },
    body: {
      component: 'NewWidget',
      schema: widgetSchema,
      rules,
      description: `\`name\`: ${NAME_RULE} ${WIDGET_RULES}`,
    },
    responses: {
      '201': created,
      // The served message goes on with a reason (`. Did you mean: http://…`): kept short here.
      '400': validationFailed(
        { info_url: 'www.example.com is not a valid URL' },
        BAD_BODY,
        BAD_HOST,
      ),
      '409': errorResponse('A widget of that name exists', widgetNameTaken('my-widget').message),
    },
    handler:
      ({ useCases }, readBody) =>
      async (ctx) => {
        const base = baseUrl(ctx);
        const body = readBody(ctx);
        const added = await useCases.createWidget.execute(actorOf(ctx), {
          name: body.name,
          infoUrl: body.info_url,
          deadline: body.deadline,
        });
        sendCreated(ctx, base, added);
      },
  }),
  route({
    method: 'get',
    path: widget,
    auth: 'token',
    operation: { tags, summary: 'One widget', operationId: 'getWidget' },
    params: NAME,
    responses: {
      '200': jsonResponse('The widget', componentRef('Widget')),
      '404': RESPONSES.widgetNotFound,
    },
    handler:
      ({ useCases }) =>
      async (ctx) => {
        const found = await useCases.getWidget.execute(ctx.params.name ?? '');
        ctx.body = presentWidget(found, useCases.clock.now());
      },
  }),
  route({
    method: 'put',
    path: widget,
    auth: 'admin',
    operation: {
      tags,
      summary: 'Update a widget, or create it (administrators)',
      operationId: 'putWidget',
    },
    params: NAME,
    body: {
      component: 'WidgetUpdate',
      schema: widgetSchema,
      // The path names the widget: validated with the body, so one 400 lists every field.
      fromPath: ['name'],
      rules,
      description: WIDGET_RULES,
    },
    responses: {
      '200': messageResponse('Updated', updated('my-widget')),
      '201': created,
      '400': validationFailed(
        { deadline: deadlineProblem('someday', new Date(0))?.replace(DEADLINE_FORMATS, '…') ?? '' },
        BAD_BODY,
        BAD_HOST,
      ),
    },
    handler:
      ({ useCases }, readBody) =>
      async (ctx) => {
        const base = baseUrl(ctx);
        const body = readBody(ctx);
        const { widget: put, created: isNew } = await useCases.putWidget.execute(
          actorOf(ctx),
          body.name,
          { infoUrl: body.info_url, deadline: body.deadline },
        );
        if (isNew) return sendCreated(ctx, base, put);
        ctx.body = { status: 'success', message: updated(put.name) };
      },
  }),
  route({
    method: 'delete',
    path: widget,
    auth: 'admin',
    operation: { tags, summary: 'Delete a widget (administrators)', operationId: 'deleteWidget' },
    params: NAME,
    responses: { '204': { description: 'Deleted' }, '404': RESPONSES.widgetNotFound },
    handler:
      ({ useCases }) =>
      async (ctx) => {
        await useCases.deleteWidget.execute(actorOf(ctx), ctx.params.name ?? '');
        ctx.status = 204;
      },
  }),
];
