import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { NativeHmacWebhook, SignatureError, verifyStandardWebhook } from './signatures.js';

describe('NativeHmacWebhook', () => {
  it('signs exactly as the standardwebhooks package does, for any id, time and payload', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.string(), fc.integer({ min: 0, max: 4_000_000_000 }), fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.uint8Array().map((b) => Buffer.from(b))), (key, id, seconds, payload) => {
        const secret = `whsec_${Buffer.from(key).toString('base64')}`;
        const at = new Date(seconds * 1000);
        expect(new NativeHmacWebhook(secret).sign(id, at, payload)).toBe(new Webhook(secret).sign(id, at, payload));
      }),
    );
  });

  it('verifies what the package signs and refuses a flipped byte, through verifyStandardWebhook', () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const body = Buffer.from(JSON.stringify({ summary: 'Grüße — ok' }));
    const id = 'msg_1';
    const now = new Date();
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, now, body) };
    expect(verifyStandardWebhook(secret, body, headers)).toEqual({ id });
    const flipped = Buffer.from(body);
    flipped[3] ^= 1;
    expect(() => verifyStandardWebhook(secret, flipped, headers)).toThrow(SignatureError);
  });
});
