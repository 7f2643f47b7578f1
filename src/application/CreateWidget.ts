import {
  assertAdmin,
  createWidget,
  type Actor,
  type Clock,
  type Widget,
  type WidgetRepository,
} from '../domain/index.js';

export interface WidgetInput {
  readonly name: string;
  readonly infoUrl: string;
  readonly deadline: string;
}

/** Admins only; the caller becomes the owner. A taken name is CONFLICT, also under a race. */
export class CreateWidget {
  constructor(
    private readonly widgets: WidgetRepository,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, input: WidgetInput): Promise<Widget> {
    assertAdmin(actor);
    const { publicId, email } = actor.user;
    const widget = createWidget({ ...input, owner: { publicId, email } }, this.clock.now());
    await this.widgets.add(widget);
    return widget;
  }
}
