import { expect } from 'chai';
import {
  normalizeWidgetName,
  widgetNameKey,
  widgetNameProblem,
} from '../../../../src/domain/index.js';

const message = (name: string) =>
  `'${name}' contains one or more invalid characters. Widget name must contain only lowercase ` +
  'letters, numbers, hyphen and underscore characters.';

describe('widget name rule', () => {
  const valid = [
    'abc123',
    'widget-name',
    'new_widget1',
    'a',
    '-',
    '_',
    'PENTA-widg-GON-et',
    'x'.repeat(100),
  ];
  for (const name of valid) {
    it(`accepts ${JSON.stringify(name.slice(0, 30))}`, () => {
      expect(widgetNameProblem(name)).to.equal(null);
    });
  }

  const invalid: [raw: string, named: string][] = [
    ['', ''],
    ['some widget', 'some widget'],
    ['t**&*&', 't**&*&'],
    ['Some Widget', 'some widget'],
    ['dot.name', 'dot.name'],
    ['slash/name', 'slash/name'],
    ['ünïcode', 'ünïcode'],
    ['\u212AElvin', '\u212Aelvin'], // the Kelvin sign stays as sent: the message shows what failed
    [' padded', ' padded'],
    ['x'.repeat(101), 'x'.repeat(101)],
  ];
  for (const [raw, named] of invalid) {
    it(`refuses ${JSON.stringify(raw.slice(0, 30))}, naming it in lower case`, () => {
      expect(widgetNameProblem(raw)).to.equal(message(named));
    });
  }

  it('normalises by lower-casing only', () => {
    expect(normalizeWidgetName('Mixed-Case_1')).to.equal('mixed-case_1');
    expect(normalizeWidgetName(' a ')).to.equal(' a ');
  });

  it('lower-cases ASCII letters only, so no look-alike reaches an ASCII name', () => {
    expect(normalizeWidgetName('\u212AELVIN')).to.equal('\u212Aelvin');
    expect(normalizeWidgetName('İSTANBUL')).to.equal('İstanbul');
  });

  it('keys a name a widget could bear by its stored form, and no other name at all', () => {
    expect(widgetNameKey('My-Widget_2')).to.equal('my-widget_2');
    expect(widgetNameKey('my widget')).to.equal(null);
    expect(widgetNameKey('\u212Aelvin')).to.equal(null);
    expect(widgetNameKey('a'.repeat(101))).to.equal(null);
  });
});
