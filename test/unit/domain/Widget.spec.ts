import { expect } from 'chai';
import {
  DomainError,
  createWidget,
  widgetNameTaken,
  widgetNotFound,
  type NewWidget,
} from '../../../src/domain/index.js';

const NOW = new Date('2026-03-02T10:20:30.400Z');
const OWNER = { publicId: '6f1c3a4e-0000-4000-8000-000000000001', email: 'admin@example.com' };
const VALID: NewWidget = {
  name: 'New_Widget-1',
  infoUrl: 'https://Example.com/Info',
  deadline: '03/05/2026',
  owner: OWNER,
};

function validationFields(work: () => unknown): Readonly<Record<string, string>> | undefined {
  try {
    work();
  } catch (error) {
    expect(error).to.be.instanceOf(DomainError);
    const domainError = error as DomainError;
    expect(domainError.code).to.equal('VALIDATION');
    expect(domainError.message).to.equal('Input payload validation failed');
    return domainError.details.fields;
  }
  return expect.fail('expected a VALIDATION DomainError');
}

describe('Widget', () => {
  describe('createWidget', () => {
    it('lower-cases the name, keeps the URL as sent, ends the deadline at 23:59:59.999 UTC', () => {
      expect(createWidget(VALID, NOW)).to.deep.equal({
        name: 'new_widget-1',
        infoUrl: 'https://Example.com/Info',
        deadline: new Date('2026-03-05T23:59:59.999Z'),
        createdAt: NOW,
        owner: OWNER,
      });
    });

    it("accepts today's date as the deadline", () => {
      const widget = createWidget({ ...VALID, deadline: '2026-03-02' }, NOW);
      expect(widget.deadline.toISOString()).to.equal('2026-03-02T23:59:59.999Z');
    });

    it('refuses every invalid field at once, keyed name, info_url and deadline', () => {
      const fields = validationFields(() =>
        createWidget(
          { ...VALID, name: 'Bad Name', infoUrl: 'ftp://x.com', deadline: '2026-03-01' },
          NOW,
        ),
      );
      expect(fields).to.deep.equal({
        name: "'bad name' contains one or more invalid characters. Widget name must contain only lowercase letters, numbers, hyphen and underscore characters.",
        info_url: 'ftp://x.com is not a valid URL. Protocol is not allowed',
        deadline:
          'Successfully parsed 2026-03-01 as Mar 01 2026. However, this value must be a date in the future and Mar 01 2026 is BEFORE Mar 02 2026',
      });
    });

    it('names only the failing fields', () => {
      const fields = validationFields(() => createWidget({ ...VALID, deadline: 'soon' }, NOW));
      expect(fields).to.have.all.keys('deadline');
    });
  });

  it('reports a taken name as CONFLICT with the tutorial message', () => {
    const error = widgetNameTaken('gadget');
    expect({ code: error.code, message: error.message }).to.deep.equal({
      code: 'CONFLICT',
      message: 'Widget name: gadget already exists, must be unique.',
    });
  });

  it('reports a missing widget as NOT_FOUND naming it as sent', () => {
    const error = widgetNotFound('Gadget');
    expect({ code: error.code, message: error.message }).to.deep.equal({
      code: 'NOT_FOUND',
      message: 'Gadget not found in database.',
    });
  });
});
