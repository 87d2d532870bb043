import { describe, expect, it } from 'vitest';
import { ageInDays } from './snapshot-age.js';

describe('ageInDays', () => {
  it('counts whole UTC days from the snapshot date to today', () => {
    expect(ageInDays('2026-11-30', new Date('2026-12-03T23:59:59Z'))).toBe(3);
    expect(ageInDays('2026-12-03', new Date('2026-12-03T00:00:00Z'))).toBe(0);
    expect(ageInDays('2025-10-28', new Date('2026-12-03T10:00:00Z'))).toBe(401);
  });

  it('is 0 for a date in the future (a clock behind) and undefined without a date', () => {
    expect(ageInDays('2027-01-01', new Date('2026-12-03T00:00:00Z'))).toBe(0);
    expect(ageInDays(undefined)).toBeUndefined();
    expect(ageInDays('not a date')).toBeUndefined();
  });
});
