import type { StoredEvent } from './types.js';

/** Upgrades `data` of `type` from `fromVersion` to `fromVersion + 1`. Pure. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: any, event: Omit<StoredEvent, 'data'>): any;
}

/** Applies upcasters in sequence so readers only ever see the newest shape of each type. */
export class UpcasterRegistry {
  private readonly byType = new Map<string, Map<number, Upcaster>>();

  constructor(upcasters: Upcaster[] = []) {
    for (const u of upcasters) this.register(u);
    this.assertNoGaps();
  }

  register(u: Upcaster): this {
    if (!Number.isInteger(u.fromVersion) || u.fromVersion < 1) throw new Error(`Upcaster for ${u.type}: fromVersion must be an integer >= 1`);
    const forType = this.byType.get(u.type) ?? new Map<number, Upcaster>();
    if (forType.has(u.fromVersion)) throw new Error(`Two upcasters for ${u.type} v${u.fromVersion}`);
    forType.set(u.fromVersion, u);
    this.byType.set(u.type, forType);
    return this;
  }

  /** A chain with a hole (v1→v2, v3→v4) would stop old events half-way: refuse it at start-up. */
  assertNoGaps(): void {
    for (const [type, forType] of this.byType) {
      const versions = [...forType.keys()].sort((a, b) => a - b);
      for (let i = 1; i < versions.length; i++) {
        if (versions[i] !== versions[i - 1] + 1) throw new Error(`Upcasters for ${type} have a gap between v${versions[i - 1] + 1} and v${versions[i]}`);
      }
    }
  }

  /** The version new events of this type are written with. */
  currentVersion(type: string): number {
    const forType = this.byType.get(type);
    if (!forType) return 1;
    return Math.max(...forType.keys()) + 1;
  }

  upcast<E extends StoredEvent>(event: E): E {
    const forType = this.byType.get(event.type);
    if (!forType) return event;
    let current = event;
    for (let u = forType.get(current.schemaVersion); u; u = forType.get(current.schemaVersion)) {
      current = { ...current, data: u.upcast(current.data, current), schemaVersion: current.schemaVersion + 1 };
    }
    return current;
  }
}
