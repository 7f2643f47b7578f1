import { widgetNameTaken } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import { buildCoreWithActors } from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

// The fixed clock starts at 2026-03-01T12:00:00Z.
const input = { name: 'Gadget', infoUrl: 'https://example.com', deadline: '2026-03-10' };
const FORBIDDEN = 'You are not an administrator';

describe('CreateWidget', () => {
  it('stores a widget owned by the admin, name lower-cased, deadline at the end of its UTC day', async () => {
    const { core, admin } = await buildCoreWithActors();
    const widget = await core.createWidget.execute(admin, input);
    expect(widget).to.deep.equal({
      name: 'gadget',
      infoUrl: 'https://example.com',
      deadline: new Date('2026-03-10T23:59:59.999Z'),
      createdAt: core.clock.now(),
      owner: { publicId: admin.user.publicId, email: 'admin@example.com' },
    });
    expect(await core.widgets.findByName('gadget')).to.deep.equal(widget);
  });

  it('refuses a non-admin with FORBIDDEN before validating', async () => {
    const { core, user } = await buildCoreWithActors();
    await expectDomainError(
      core.createWidget.execute(user, { name: '!', infoUrl: '', deadline: '' }),
      'FORBIDDEN',
      FORBIDDEN,
    );
  });

  it('accepts a deadline of today and refuses yesterday, by the clock', async () => {
    const { core, admin } = await buildCoreWithActors();
    core.clock.set('2026-03-01T23:59:59.999Z');
    await core.createWidget.execute(admin, { ...input, name: 'today', deadline: '2026-03-01' });
    core.clock.set('2026-03-02T00:00:00.000Z');
    await expectDomainError(
      core.createWidget.execute(admin, { ...input, name: 'yesterday', deadline: '2026-03-01' }),
      'VALIDATION',
      'Input payload validation failed',
      {
        deadline:
          'Successfully parsed 2026-03-01 as Mar 01 2026. However, this value must be a date in the future and Mar 01 2026 is BEFORE Mar 02 2026',
      },
    );
  });

  it('refuses a taken name in another case', async () => {
    const { core, admin } = await buildCoreWithActors();
    await core.createWidget.execute(admin, input);
    await expectDomainError(
      core.createWidget.execute(admin, { ...input, name: 'GADGET' }),
      'CONFLICT',
      'Widget name: gadget already exists, must be unique.',
    );
  });
});

describe('GetWidget', () => {
  it('finds a widget by name in any case, and names a missing one as sent', async () => {
    const { core, admin } = await buildCoreWithActors();
    await core.createWidget.execute(admin, input);
    expect((await core.getWidget.execute('GaDgEt')).name).to.equal('gadget');
    await expectDomainError(
      core.getWidget.execute('Nope'),
      'NOT_FOUND',
      'Nope not found in database.',
    );
  });
});

describe('ListWidgets', () => {
  it('returns one page, oldest first, with the total', async () => {
    const { core, admin } = await buildCoreWithActors();
    for (let i = 0; i < 7; i += 1) {
      await core.createWidget.execute(admin, { ...input, name: `w${i}` });
      core.clock.advanceSeconds(1);
    }
    const listing = await core.listWidgets.execute({ page: 2, perPage: 5 });
    expect(listing.items.map((w) => w.name)).to.deep.equal(['w5', 'w6']);
    expect(listing).to.deep.include({ total: 7, page: 2, perPage: 5 });
    expect((await core.listWidgets.execute({ page: 3, perPage: 5 })).items).to.deep.equal([]);
  });

  it('refuses a page size outside the choices', async () => {
    const { core } = await buildCoreWithActors();
    await expectDomainError(
      core.listWidgets.execute({ page: 0, perPage: 7 }),
      'VALIDATION',
      'Input payload validation failed',
      {
        page: 'page must be a whole number from 1 to 999999999',
        per_page: 'per_page must be one of 5, 10, 25, 50, 100',
      },
    );
  });
});

describe('PutWidget', () => {
  const changes = { infoUrl: 'https://changed.example.com', deadline: '2026-04-01' };

  it('updates an existing widget and says so', async () => {
    const { core, admin } = await buildCoreWithActors();
    const original = await core.createWidget.execute(admin, input);
    core.clock.advanceSeconds(60);
    const result = await core.putWidget.execute(admin, 'GADGET', changes);
    expect(result.created).to.equal(false);
    expect(result.widget).to.deep.equal({
      ...original,
      infoUrl: 'https://changed.example.com',
      deadline: new Date('2026-04-01T23:59:59.999Z'),
    });
  });

  it('creates a missing widget', async () => {
    const { core, admin } = await buildCoreWithActors();
    const result = await core.putWidget.execute(admin, 'Fresh', changes);
    expect(result.created).to.equal(true);
    expect(result.widget.name).to.equal('fresh');
    expect(await core.widgets.findByName('fresh')).to.deep.equal(result.widget);
  });

  it('gives one create and otherwise updates under concurrent PUTs of one missing name', async () => {
    const { core, admin } = await buildCoreWithActors();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => core.putWidget.execute(admin, 'contested', changes)),
    );
    expect(results.filter((r) => r.created)).to.have.length(1);
    expect((await core.listWidgets.execute({ page: 1, perPage: 5 })).total).to.equal(1);
  });

  it('creates after all when the widget it raced against is deleted before its retry', async () => {
    const { core, admin } = await buildCoreWithActors();
    const add = core.widgets.add.bind(core.widgets);
    let adds = 0;
    core.widgets.add = async (widget) => {
      adds += 1;
      if (adds === 1) {
        // Between our update and our insert, another request created the widget and a third
        // deleted it again: our insert lost the race, and our retried update finds nothing.
        await add(widget);
        await core.widgets.remove(widget.name);
        throw widgetNameTaken(widget.name);
      }
      return add(widget);
    };
    const result = await core.putWidget.execute(admin, 'flicker', changes);
    expect(result.created).to.equal(true);
    expect(adds).to.equal(2);
    expect(await core.widgets.findByName('flicker')).to.deep.equal(result.widget);
  });

  it('names an invalid path name together with the body errors', async () => {
    const { core, admin } = await buildCoreWithActors();
    await expectDomainError(
      core.putWidget.execute(admin, 'bad name', {
        infoUrl: 'https://example.com',
        deadline: 'soon',
      }),
      'VALIDATION',
      'Input payload validation failed',
    ).then((error) =>
      expect(Object.keys(error.details.fields ?? {})).to.deep.equal(['name', 'deadline']),
    );
  });

  it('refuses a non-admin', async () => {
    const { core, user } = await buildCoreWithActors();
    await expectDomainError(core.putWidget.execute(user, 'x', changes), 'FORBIDDEN', FORBIDDEN);
  });
});

describe('DeleteWidget', () => {
  it('deletes by name in any case; a missing widget is NOT_FOUND; non-admins are refused', async () => {
    const { core, admin, user } = await buildCoreWithActors();
    await core.createWidget.execute(admin, input);
    await expectDomainError(core.deleteWidget.execute(user, 'gadget'), 'FORBIDDEN', FORBIDDEN);
    await core.deleteWidget.execute(admin, 'Gadget');
    expect(await core.widgets.findByName('gadget')).to.equal(null);
    await expectDomainError(
      core.deleteWidget.execute(admin, 'Gadget'),
      'NOT_FOUND',
      'Gadget not found in database.',
    );
  });
});
