import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** Why a delivery was refused (logged and counted; the sender only sees 401). */
export class SignatureError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SignatureError';
  }
}

export type Headers = Record<string, string>;

export const TOLERANCE_MS = 5 * 60 * 1000;

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The standardwebhooks package's verifier (headers, ±5 minute tolerance, every v1 signature
 * given, constant-time comparison) with its HMAC computed by node:crypto instead of the
 * package's pure-JS SHA-256, which cost a few percent of the API's CPU per delivery. Same input
 * as the package signs: the payload as a string (a Buffer decoded as UTF-8), so every signature
 * is the package's own (signatures.spec.ts compares them). With `rawBytes`, a Buffer is signed as
 * the bytes it is: the same for UTF-8, and a body that is not UTF-8 is verified as it was sent
 * (and then dead-lettered) instead of after its bad bytes were replaced.
 */
export class NativeHmacWebhook extends Webhook {
  private readonly hmacKey: Buffer;

  constructor(
    secret: string,
    private readonly rawBytes = false,
  ) {
    super(secret);
    this.hmacKey = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  }

  override sign(msgId: string, timestamp: Date, payload: string | Buffer): string {
    const body = typeof payload === 'string' || this.rawBytes ? payload : payload.toString();
    const signature = createHmac('sha256', this.hmacKey).update(`${msgId}.${Math.floor(timestamp.getTime() / 1000)}.`).update(body).digest('base64');
    return `v1,${signature}`;
  }
}

/** Standard Webhooks (touchpoint and cloudevents sources): v1 HMAC-SHA256 over id.timestamp.body, ±5 min. */
// A Webhook decodes its secret when built: one per secret, not one per delivery.
const verifiers = new Map<string, Webhook>();

export function verifyStandardWebhook(secret: string, raw: Buffer, headers: Headers): { id: string } {
  try {
    let wh = verifiers.get(secret);
    if (!wh) {
      if (verifiers.size >= 1000) verifiers.clear();
      wh = new NativeHmacWebhook(secret, true);
      verifiers.set(secret, wh);
    }
    wh.verify(raw, headers, { jsonParse: false });
  } catch (err) {
    throw new SignatureError(err instanceof Error ? err.message : 'bad signature');
  }
  return { id: headers['webhook-id'] };
}

/** Zendesk: base64(HMAC-SHA256(timestamp + body)); we also refuse timestamps outside ±5 minutes. */
export function verifyZendesk(secret: string, raw: Buffer, headers: Headers, nowMs: number): void {
  const signature = headers['x-zendesk-webhook-signature'];
  const timestamp = headers['x-zendesk-webhook-signature-timestamp'];
  if (!signature || !timestamp) throw new SignatureError('missing Zendesk signature headers');
  const at = Date.parse(timestamp);
  if (Number.isNaN(at) || Math.abs(nowMs - at) > TOLERANCE_MS) throw new SignatureError('Zendesk timestamp outside the tolerance');
  const expected = createHmac('sha256', secret).update(timestamp).update(raw).digest('base64');
  if (!safeEqual(expected, signature)) throw new SignatureError('Zendesk signature mismatch');
}

/** Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1(body)>` with the app's client secret. No timestamp is signed. */
export function verifyIntercom(secret: string, raw: Buffer, headers: Headers): void {
  const signature = headers['x-hub-signature'];
  if (!signature) throw new SignatureError('missing X-Hub-Signature');
  const expected = `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`;
  if (!safeEqual(expected, signature.toLowerCase())) throw new SignatureError('Intercom signature mismatch');
}

/**
 * HubSpot v3: base64(HMAC-SHA256(method + uri + body + timestamp)), timestamp in ms, refused when
 * older than 5 minutes (or that far ahead). `uris` are the candidate URIs the sender may have
 * signed (as called, and URL-decoded, as HubSpot's docs describe).
 */
export function verifyHubspot(secret: string, raw: Buffer, headers: Headers, method: string, uris: string[], nowMs: number): void {
  const signature = headers['x-hubspot-signature-v3'];
  const timestamp = headers['x-hubspot-request-timestamp'];
  if (!signature || !timestamp) throw new SignatureError('missing HubSpot v3 signature headers');
  if (!/^\d{1,16}$/.test(timestamp)) throw new SignatureError('bad HubSpot timestamp');
  const at = Number(timestamp);
  if (Math.abs(nowMs - at) > TOLERANCE_MS) throw new SignatureError('HubSpot timestamp outside the tolerance');
  for (const uri of uris) {
    const expected = createHmac('sha256', secret).update(method).update(uri).update(raw).update(timestamp).digest('base64');
    if (safeEqual(expected, signature)) return;
  }
  throw new SignatureError('HubSpot signature mismatch');
}
