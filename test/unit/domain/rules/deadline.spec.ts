import { expect } from 'chai';
import {
  DEADLINE_FORMATS,
  deadlineEndOfDay,
  deadlineProblem,
  formatMonthDayYear,
  parseDeadline,
  utcCalendarDate,
} from '../../../../src/domain/index.js';

describe('deadline rule', () => {
  describe('parseDeadline', () => {
    const accepted: [raw: string, year: number, month: number, day: number][] = [
      ['2018-05-13', 2018, 5, 13],
      ['2018-5-13', 2018, 5, 13],
      ['2018-5-3', 2018, 5, 3],
      ['05/13/2018', 2018, 5, 13],
      ['5/3/2018', 2018, 5, 3],
      ['05/13/18', 2018, 5, 13],
      ['1/1/68', 2068, 1, 1],
      ['1/1/69', 1969, 1, 1],
      ['12/31/99', 1999, 12, 31],
      ['May 13 2018', 2018, 5, 13],
      ['may 3 2018', 2018, 5, 3],
      ['SEP 30 2026', 2026, 9, 30],
      ['September 30 2026', 2026, 9, 30],
      ['Sep 30, 2026', 2026, 9, 30],
      ['  2026-03-01\n', 2026, 3, 1],
      ['2024-02-29', 2024, 2, 29],
      ['2000-02-29', 2000, 2, 29],
      // ISO 8601 date-times: the date in UTC counts
      ['2026-03-01T12:30:00Z', 2026, 3, 1],
      ['2026-03-01t12:30:00z', 2026, 3, 1],
      ['2026-03-01T12:30Z', 2026, 3, 1],
      ['2026-03-01T12:30:00.123456Z', 2026, 3, 1],
      ['2026-03-01 12:30:00Z', 2026, 3, 1],
      ['2026-03-01T12:30:00', 2026, 3, 1],
      ['2026-03-01T23:30:00-01:00', 2026, 3, 2],
      ['2026-03-01T23:30:00-0100', 2026, 3, 2],
      ['2026-03-02T00:30:00+01:00', 2026, 3, 1],
      ['2026-03-02T00:30:00+01', 2026, 3, 1],
      ['2026-03-01T00:00:00+14:00', 2026, 2, 28],
      ['2024-12-31T22:00:00-05:00', 2025, 1, 1],
    ];
    for (const [raw, year, month, day] of accepted) {
      it(`reads ${JSON.stringify(raw)} as ${year}-${month}-${day}`, () => {
        expect(parseDeadline(raw)).to.deep.equal({ year, month, day });
      });
    }

    const refused = [
      '',
      'a long time ago, in a galaxy far, far away',
      'tomorrow',
      '2026-02-30',
      '2025-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '0000-01-01',
      '13/01/2026',
      '02/30/2026',
      '2026/03/01',
      '01-03-2026',
      '1/1/1',
      '20260301',
      '2026-03-01T',
      '2026-03-01T24:00:00Z',
      '2026-03-01T12:60:00Z',
      '2026-03-01T12:30:60Z',
      '2026-03-01T12:30:00+24:00',
      '2026-03-01T12:30:00 UTC',
      '2026-3-1T12:30:00Z',
      'Sept 30 2026',
      'Foo 30 2026',
      '30 Sep 2026',
      'Sep 2026',
      'Feb 30 2026',
      'Wed, 02 Oct 2019 15:05:06 -0700',
    ];
    for (const raw of refused) {
      it(`refuses ${JSON.stringify(raw)}`, () => {
        expect(parseDeadline(raw)).to.equal(null);
      });
    }
  });

  describe('deadlineProblem', () => {
    const lastMsOfMarch1 = new Date('2026-03-01T23:59:59.999Z');
    const midnightMarch2 = new Date('2026-03-02T00:00:00.000Z');

    const cases: [now: Date, raw: string, expected: string | null][] = [
      [
        lastMsOfMarch1,
        '2026-02-28',
        'Successfully parsed 2026-02-28 as Feb 28 2026. However, this value must be a date in the future and Feb 28 2026 is BEFORE Mar 01 2026',
      ],
      [lastMsOfMarch1, '2026-03-01', null],
      [lastMsOfMarch1, '03/02/2026', null],
      [
        midnightMarch2,
        '2026-03-01',
        'Successfully parsed 2026-03-01 as Mar 01 2026. However, this value must be a date in the future and Mar 01 2026 is BEFORE Mar 02 2026',
      ],
      [midnightMarch2, 'Mar 2 2026', null],
      [midnightMarch2, '2026-03-03', null],
      [
        midnightMarch2,
        '2026-03-02T01:00:00+02:00',
        'Successfully parsed 2026-03-02T01:00:00+02:00 as Mar 01 2026. However, this value must be a date in the future and Mar 01 2026 is BEFORE Mar 02 2026',
      ],
      [
        midnightMarch2,
        '1/1/1970',
        'Successfully parsed 1/1/1970 as Jan 01 1970. However, this value must be a date in the future and Jan 01 1970 is BEFORE Mar 02 2026',
      ],
    ];
    for (const [now, raw, expected] of cases) {
      const verdict = expected === null ? 'accepts' : 'refuses';
      it(`${verdict} ${JSON.stringify(raw)} at ${now.toISOString()}`, () => {
        expect(deadlineProblem(raw, now)).to.equal(expected);
      });
    }

    it('names the accepted formats when the value does not parse', () => {
      expect(deadlineProblem('next tuesday', midnightMarch2)).to.equal(
        `Failed to parse 'next tuesday' as a valid date. ${DEADLINE_FORMATS}`,
      );
      expect(DEADLINE_FORMATS).to.equal(
        'Use YYYY-MM-DD (or YYYY-M-D), MM/DD/YYYY (or M/D/YYYY), MM/DD/YY, Mon DD YYYY (or the ' +
          'full month name) or an ISO 8601 date-time such as 2018-05-13T09:30:00Z (its date in ' +
          'UTC counts; without an offset it is read as UTC). For example, all of the strings ' +
          "below are valid ways to represent the same date: '2018-5-13' -or- '05/13/2018' -or- " +
          "'05/13/18' -or- 'May 13 2018'.",
      );
    });
  });

  it('ends a deadline at 23:59:59.999 UTC of its date', () => {
    expect(deadlineEndOfDay({ year: 2026, month: 3, day: 1 }).toISOString()).to.equal(
      '2026-03-01T23:59:59.999Z',
    );
    expect(deadlineEndOfDay({ year: 2024, month: 2, day: 29 }).toISOString()).to.equal(
      '2024-02-29T23:59:59.999Z',
    );
  });

  it('takes the UTC date of an instant', () => {
    expect(utcCalendarDate(new Date('2026-03-01T23:59:59.999-05:00'))).to.deep.equal({
      year: 2026,
      month: 3,
      day: 2,
    });
  });

  it('prints dates as Python %b %d %Y, the day zero-padded', () => {
    expect(formatMonthDayYear({ year: 2018, month: 5, day: 13 })).to.equal('May 13 2018');
    expect(formatMonthDayYear({ year: 2026, month: 12, day: 3 })).to.equal('Dec 03 2026');
  });
});
