import {
  assertAdmin,
  createWidget,
  DomainError,
  type Actor,
  type Clock,
  type Widget,
  type WidgetRepository,
} from '../domain/index.js';

const MAX_ATTEMPTS = 3;

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
    const { publicId, email } = actor.user;
    // The widget a create would store: its validation reports name, info_url and deadline at once.
    const fresh = createWidget({ name, ...input, owner: { publicId, email } }, this.clock.now());
    const key = fresh.name;
    const changes = { infoUrl: fresh.infoUrl, deadline: fresh.deadline };
    // Update, else create; a create that loses a race to another request's turns into an update.
    // Bounded: each lap needs another request to create and then delete this very name.
    for (let attempt = 1; ; attempt += 1) {
      const updated = await this.widgets.update(key, changes);
      if (updated) return { widget: updated, created: false };
      try {
        await this.widgets.add(fresh);
        return { widget: fresh, created: true };
      } catch (error) {
        const raced = error instanceof DomainError && error.code === 'CONFLICT';
        if (!raced || attempt === MAX_ATTEMPTS) throw error;
      }
    }
  }
}
