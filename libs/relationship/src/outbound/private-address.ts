/**
 * Which IP addresses an outbound webhook must never reach: private, loopback, link-local,
 * carrier-grade NAT, multicast, reserved and documentation ranges, in IPv4 and IPv6 (with
 * IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms unwrapped to the IPv4 they carry).
 * Pure string logic, shared by the API (at creation) and the worker (at connect time).
 */

type Cidr4 = [number, number]; // [network as uint32, prefix length]

const V4_BLOCKED: Cidr4[] = (
  [
    ['0.0.0.0', 8], // "this" network
    ['10.0.0.0', 8], // private
    ['100.64.0.0', 10], // carrier-grade NAT
    ['127.0.0.0', 8], // loopback
    ['169.254.0.0', 16], // link-local (cloud metadata lives here)
    ['172.16.0.0', 12], // private
    ['192.0.0.0', 24], // IETF protocol assignments
    ['192.0.2.0', 24], // documentation
    ['192.88.99.0', 24], // 6to4 relay anycast
    ['192.168.0.0', 16], // private
    ['198.18.0.0', 15], // benchmarking
    ['198.51.100.0', 24], // documentation
    ['203.0.113.0', 24], // documentation
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved + broadcast
  ] as const
).map(([a, p]) => [parseIPv4(a)!, p]);

/** Parses strict dotted-decimal IPv4 into a uint32, or null. */
export function parseIPv4(s: string): number | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

/** Parses an IPv6 address (optionally with a trailing dotted IPv4 and/or a %zone) into 8 groups, or null. */
export function parseIPv6(input: string): number[] | null {
  let s = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':')) return null;
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // A trailing dotted IPv4 (::ffff:127.0.0.1) becomes its two hex groups.
    const v4 = parseIPv4(last);
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const toGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = toGroups(halves[0]);
  const rest = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!head || !rest) return null;
  if (halves.length === 2) {
    if (head.length + rest.length > 7) return null;
    return [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  }
  return head.length === 8 ? head : null;
}

function inV4(n: number, [net, prefix]: Cidr4): boolean {
  if (prefix === 0) return true;
  const size = 2 ** (32 - prefix);
  return Math.floor(n / size) === Math.floor(net / size);
}

function v4Blocked(n: number): boolean {
  return V4_BLOCKED.some((c) => inV4(n, c));
}

function v6Blocked(g: number[]): boolean {
  const zeroUpTo = (k: number) => g.slice(0, k).every((x) => x === 0);
  const embedded = g[6] * 65536 + g[7];
  if (zeroUpTo(8)) return true; // ::
  if (zeroUpTo(7) && g[7] === 1) return true; // ::1
  if (zeroUpTo(5) && g[5] === 0xffff) return v4Blocked(embedded); // ::ffff:a.b.c.d (mapped)
  if (zeroUpTo(6)) return v4Blocked(embedded); // ::a.b.c.d (compatible, deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4Blocked(embedded); // NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return true; // local-use NAT64
  if (g[0] === 0x2002) return v4Blocked(g[1] * 65536 + g[2]); // 6to4 carries the IPv4 in bits 16..48
  if (g[0] === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return true; // discard-only
  if (g[0] === 0x2001 && g[1] === 0x0db8) return true; // documentation
  if ((g[0] & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g[0] & 0xffc0) === 0xfec0) return true; // site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return true; // multicast
  return false;
}

/**
 * True when the address is one a webhook must not reach (or is not an IP address at all:
 * anything unparseable is refused rather than guessed at).
 */
export function isPrivateAddress(address: string): boolean {
  const v4 = parseIPv4(address);
  if (v4 !== null) return v4Blocked(v4);
  const v6 = parseIPv6(address);
  if (v6 !== null) return v6Blocked(v6);
  return true;
}

/** True when `host` (a URL hostname, IPv6 possibly in brackets) is an IP literal rather than a name. */
export function isIpLiteral(host: string): boolean {
  return parseIPv4(host) !== null || parseIPv6(host) !== null;
}
