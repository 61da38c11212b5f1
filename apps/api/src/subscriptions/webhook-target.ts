import { lookup } from 'node:dns/promises';
import { isIpLiteral, isPrivateAddress } from '../../../../libs/relationship/src/index.js';
import type { ProblemFieldError } from '../../../../libs/shared/src/index.js';

/**
 * Checks a subscription URL at creation: http(s) only, no credentials in it, and, unless private
 * targets are allowed, neither an IP literal nor any address its name resolves to may be
 * private, loopback or link-local. The worker checks again at connect time (DNS can change).
 */
export async function checkWebhookTarget(raw: string, allowPrivate: boolean): Promise<ProblemFieldError | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { path: 'url', message: 'must be an absolute http or https URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { path: 'url', message: 'must use http or https' };
  if (url.username || url.password) return { path: 'url', message: 'must not carry credentials' };
  if (!url.hostname) return { path: 'url', message: 'must name a host' };
  if (allowPrivate) return null;
  const host = url.hostname;
  if (isIpLiteral(host)) {
    return isPrivateAddress(host) ? { path: 'url', message: 'points to a private, loopback or link-local address' } : null;
  }
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return { path: 'url', message: `host ${host} does not resolve` };
  }
  if (addresses.length === 0) return { path: 'url', message: `host ${host} does not resolve` };
  if (addresses.some((a) => isPrivateAddress(a.address))) return { path: 'url', message: `host ${host} resolves to a private, loopback or link-local address` };
  return null;
}
