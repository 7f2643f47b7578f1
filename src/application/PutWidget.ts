import {
  assertAdmin,
  assertValid,
  createWidget,
  DomainError,
  infoUrlProblem,
  deadlineProblem,
  normalizeWidgetName,
  widgetChanges,
  widgetNameProblem,
  type Actor,
  type Clock,
  type Widget,
  type WidgetRepository,
} from '../domain/index.js';

export interface PutWidgetInput {
  readonly infoUrl: string;
  readonly deadline: string;
}

export interface PutWidgetResult {
  readonly widget: Widget;
  /** True when the widget did not exist and was created (201), false for an update (200). */
  readonly created: boolean;
}

/**
 * Admins only. Updates the widget's `info_url` and `deadline`, or creates it when missing. Under
 * concurrent PUTs of one missing name exactly one creates; the others update what it created.
 */
export class PutWidget {
  constructor(
    private readonly widgets: WidgetRepository,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, name: string, input: PutWidgetInput): Promise<PutWidgetResult> {
    assertAdmin(actor);
    const now = this.clock.now();
    assertValid({
      name: widgetNameProblem(name),
      info_url: infoUrlProblem(input.infoUrl),
      deadline: deadlineProblem(input.deadline, now),
    });
    const key = normalizeWidgetName(name);
    const changes = widgetChanges(input, now);

    const updated = await this.widgets.update(key, changes);
    if (updated) return { widget: updated, created: false };

    const { publicId, email } = actor.user;
    const widget = createWidget({ name: key, ...input, owner: { publicId, email } }, now);
    try {
      await this.widgets.add(widget);
      return { widget, created: true };
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'CONFLICT') throw error;
      // Another request created it between our update and our insert: ours is an update.
      const raced = await this.widgets.update(key, changes);
      if (!raced) throw error;
      return { widget: raced, created: false };
    }
  }
}
