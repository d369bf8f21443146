import { describe, expect, it } from 'vitest';
import { checkMassDelete, MassDeleteError } from '../../src/db/mass-delete.js';

const guard = { maxPercent: 50, minLiveRows: 100 };
const where = { source: 'acme', scope: 'debtors' };

describe('the mass-delete guard', () => {
  it('refuses marking more than the allowed share of a scope deleted, naming the counts', () => {
    const check = () => checkMassDelete(guard, where, { returned: 12, live: 250, missing: 238 });
    expect(check).toThrow(MassDeleteError);
    expect(check).toThrow('AFAS returned 12 rows, PostgreSQL holds 250 live');
    expect(check).toThrow('afas-sync sync acme --allow-mass-delete');
  });

  it('allows exactly the share and less', () => {
    expect(() => checkMassDelete(guard, where, { returned: 100, live: 200, missing: 100 })).not.toThrow();
    expect(() => checkMassDelete(guard, where, { returned: 99, live: 200, missing: 101 })).toThrow(
      MassDeleteError,
    );
  });

  it('refuses an empty answer for a guarded scope (a reload that returns nothing)', () => {
    expect(() => checkMassDelete(guard, where, { returned: 0, live: 100, missing: 100 })).toThrow(
      'AFAS returned 0 rows, PostgreSQL holds 100 live',
    );
  });

  it('leaves scopes below the minimum of live rows alone', () => {
    expect(() => checkMassDelete(guard, where, { returned: 0, live: 99, missing: 99 })).not.toThrow();
  });

  it('follows the source setting', () => {
    const strict = { ...guard, maxPercent: 10 };
    expect(() => checkMassDelete(strict, where, { returned: 180, live: 200, missing: 20 })).not.toThrow();
    expect(() => checkMassDelete(strict, where, { returned: 179, live: 200, missing: 21 })).toThrow(
      MassDeleteError,
    );
  });
});
