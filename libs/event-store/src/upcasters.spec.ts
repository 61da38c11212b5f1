import type { StoredEvent } from './types.js';
import { UpcasterRegistry } from './upcasters.js';

const stored = (type: string, schemaVersion: number, data: unknown): StoredEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  streamId: 'customer-1',
  streamVersion: 1,
  globalPosition: 1,
  transactionId: '1',
  type,
  schemaVersion,
  data,
  metadata: {},
  recordedAt: new Date('2026-01-01T00:00:00Z'),
});

describe('UpcasterRegistry', () => {
  const v1ToV2 = { type: 'TouchpointRecorded', fromVersion: 1, upcast: (d: any) => ({ ...d, channel: d.medium, medium: undefined }) };
  const v2ToV3 = { type: 'TouchpointRecorded', fromVersion: 2, upcast: (d: any) => ({ ...d, durationSeconds: d.durationSeconds ?? 0 }) };

  it('given no upcasters for a type, when reading, then the event comes back untouched', () => {
    const registry = new UpcasterRegistry([v1ToV2]);
    const e = stored('CustomerRegistered', 1, { name: 'Acme' });
    expect(registry.upcast(e)).toBe(e);
    expect(registry.currentVersion('CustomerRegistered')).toBe(1);
  });

  it('given a v1→v2 upcaster, when a v1 event is read, then it comes back as v2 with its type unchanged', () => {
    const registry = new UpcasterRegistry([v1ToV2]);
    const out = registry.upcast(stored('TouchpointRecorded', 1, { medium: 'email' }));
    expect(out.type).toBe('TouchpointRecorded');
    expect(out.schemaVersion).toBe(2);
    expect(out.data).toEqual({ channel: 'email', medium: undefined });
  });

  it('given a chain v1→v2→v3, when a v1 event is read, then every step applies in order', () => {
    const registry = new UpcasterRegistry([v2ToV3, v1ToV2]); // registration order does not matter
    const out = registry.upcast(stored('TouchpointRecorded', 1, { medium: 'phone' }));
    expect(out.schemaVersion).toBe(3);
    expect(out.data).toMatchObject({ channel: 'phone', durationSeconds: 0 });
    expect(registry.currentVersion('TouchpointRecorded')).toBe(3);
  });

  it('given a chain, when an event at the newest version is read, then nothing is applied', () => {
    const registry = new UpcasterRegistry([v1ToV2, v2ToV3]);
    const e = stored('TouchpointRecorded', 3, { channel: 'chat', durationSeconds: 5 });
    expect(registry.upcast(e)).toBe(e);
  });

  it('given a v2 event, when read through the chain, then only the v2→v3 step runs', () => {
    const registry = new UpcasterRegistry([v1ToV2, v2ToV3]);
    const out = registry.upcast(stored('TouchpointRecorded', 2, { channel: 'chat' }));
    expect(out.schemaVersion).toBe(3);
    expect(out.data).toEqual({ channel: 'chat', durationSeconds: 0 });
  });

  it('does not mutate the stored event', () => {
    const registry = new UpcasterRegistry([v1ToV2]);
    const e = stored('TouchpointRecorded', 1, { medium: 'email' });
    registry.upcast(e);
    expect(e.schemaVersion).toBe(1);
    expect(e.data).toEqual({ medium: 'email' });
  });

  it('passes the event envelope to the upcaster', () => {
    const seen: unknown[] = [];
    const registry = new UpcasterRegistry([{ type: 'X', fromVersion: 1, upcast: (d, ev) => (seen.push(ev.streamId), d) }]);
    registry.upcast(stored('X', 1, {}));
    expect(seen).toEqual(['customer-1']);
  });

  it('refuses two upcasters for the same type and version', () => {
    expect(() => new UpcasterRegistry([v1ToV2, { ...v1ToV2 }])).toThrow(/Two upcasters for TouchpointRecorded v1/);
  });

  it('refuses a chain with a gap, which would leave old events half-upgraded', () => {
    expect(() => new UpcasterRegistry([v1ToV2, { ...v2ToV3, fromVersion: 3 }])).toThrow(/gap/);
  });
});
