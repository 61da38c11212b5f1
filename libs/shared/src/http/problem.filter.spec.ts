import { toProblem } from './problem.filter.js';

describe('toProblem', () => {
  it('given a write race that outlasted the retries, when mapped, then it is 503 with Retry-After (the client may resend), not 500', () => {
    for (const err of [
      { code: '23505', constraint: 'events_stream_version_key' },
      { driverError: { code: '23505', constraint: 'events_event_id_key' } },
      { code: '40P01' },
      { code: '40001' },
    ]) {
      const p = toProblem(err);
      expect(p.body.status).toBe(503);
      expect(p.headers['Retry-After']).toBe('1');
    }
  });

  it('given another unique violation, when mapped, then it is not taken for a race', () => {
    expect(toProblem({ code: '23505', constraint: 'customers_external_id_key' }).body.status).not.toBe(503);
  });

  it('given Postgres refusing a NUL character in text or jsonb, when mapped, then it is 422 naming the character, not 500', () => {
    for (const err of [{ code: '22P05' }, { driverError: { code: '22021' } }, { cause: { code: '22P05' } }]) {
      const p = toProblem(err);
      expect(p.body.status).toBe(422);
      expect(p.body.detail).toMatch(/U\+0000/);
    }
  });
});
