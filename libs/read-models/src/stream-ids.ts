// Customer ids as streams and payloads carry them.

/** `customer-<uuid>` → the uuid (null for other streams). */
export function customerIdOf(streamId: string): string | null {
  return streamId.startsWith('customer-') ? streamId.slice('customer-'.length) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuidOrNull = (v: unknown): string | null => (typeof v === 'string' && UUID.test(v) ? v : null);
