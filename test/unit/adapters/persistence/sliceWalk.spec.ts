import fc from 'fast-check';
import { expect } from '../../../support/chai.js';
import { sliceWalk, type SliceWalk } from '../../../../src/adapters/persistence/knex/sliceWalk.js';

/** What a database answers for `walk` over rows 0…total-1, back in listing order. */
function read(walk: SliceWalk, total: number): number[] {
  const rows = Array.from({ length: total }, (_, index) => index);
  if (walk.from === 'nowhere') return [];
  if (walk.from === 'start') return rows.slice(walk.offset, walk.offset + walk.limit);
  return rows
    .reverse()
    .slice(walk.offset, walk.offset + walk.limit)
    .reverse();
}

const positions = fc.record({
  total: fc.integer({ min: 0, max: 1_000 }),
  offset: fc.integer({ min: 0, max: 1_200 }),
  limit: fc.integer({ min: 1, max: 100 }),
});

describe('sliceWalk', () => {
  it('reads exactly the rows of the slice, wherever it starts', () => {
    fc.assert(
      fc.property(positions, ({ total, offset, limit }) => {
        const walk = sliceWalk({ offset, limit }, total);
        const expected = Array.from({ length: total }, (_, i) => i).slice(offset, offset + limit);
        expect(read(walk, total)).to.deep.equal(expected);
      }),
    );
  });

  it('never skips more than half of the rows', () => {
    fc.assert(
      fc.property(positions, ({ total, offset, limit }) => {
        const walk = sliceWalk({ offset, limit }, total);
        if (walk.from !== 'nowhere') expect(walk.offset).to.be.at.most(Math.ceil(total / 2));
      }),
    );
  });

  it('walks the first pages from the start', () => {
    expect(sliceWalk({ offset: 10, limit: 10 }, 100)).to.deep.equal({
      from: 'start',
      offset: 10,
      limit: 10,
    });
  });

  it('walks the last page back from the end, keeping only the rows that exist', () => {
    expect(sliceWalk({ offset: 90, limit: 25 }, 103)).to.deep.equal({
      from: 'end',
      offset: 0,
      limit: 13,
    });
  });

  it('reads nothing for a slice past the last row', () => {
    expect(sliceWalk({ offset: 100, limit: 10 }, 100)).to.deep.equal({ from: 'nowhere' });
    expect(sliceWalk({ offset: 0, limit: 10 }, 0)).to.deep.equal({ from: 'nowhere' });
  });
});
