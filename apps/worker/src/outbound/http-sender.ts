import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AttemptResult } from '../../../../libs/relationship/src/index.js';
import { isIpLiteral, isPrivateAddress } from '../../../../libs/relationship/src/index.js';

const REFUSED = 'EPRIVATEADDRESS';
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * A DNS lookup that refuses private, loopback and link-local answers. It runs when the socket
 * connects, so a name that resolved to a public address at subscription time and to
 * 127.0.0.1 now (DNS rebinding) is refused: the address checked is the address connected to.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return ((hostname: string, options: LookupOptions, callback: (...args: any[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const list = addresses as unknown as LookupAddress[];
      if (!allowPrivate && list.some((a) => isPrivateAddress(a.address))) {
        return callback(Object.assign(new Error(`${hostname} resolves to a private, loopback or link-local address`), { code: REFUSED }));
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }));
      if (options.all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  }) as LookupFunction;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

/**
 * POSTs one webhook. Never follows redirects (node's http client does not, and we do not add
 * it): a 3xx is returned as it is. The whole exchange, body included, is bounded by the timeout.
 */
export class HttpSender {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly opts: SendOptions) {
    const lookup = guardedLookup(opts.allowPrivate);
    // No keep-alive: every delivery connects (and is checked) afresh, and no idle socket outlives the worker.
    this.httpAgent = new http.Agent({ keepAlive: false, lookup });
    this.httpsAgent = new https.Agent({ keepAlive: false, lookup });
  }

  async send(rawUrl: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return { kind: 'error', error: 'invalid', message: 'the subscription URL is not a URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'error', error: 'invalid', message: `unsupported protocol ${url.protocol}` };
    // An IP literal skips DNS (and so the guarded lookup): check it here.
    if (!this.opts.allowPrivate && isIpLiteral(url.hostname) && isPrivateAddress(url.hostname)) {
      return { kind: 'error', error: 'refused', message: `${url.hostname} is a private, loopback or link-local address` };
    }
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const done = (r: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = client.request(
        url,
        {
          method: 'POST',
          agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            // The receiver's body is not used; stop reading a huge one, the status is what counts.
            if (received > MAX_RESPONSE_BYTES) res.destroy();
          });
          const finish = () => {
            const retryAfter = res.headers['retry-after'];
            done({ kind: 'response', status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : (retryAfter ?? null) });
          };
          res.on('end', finish);
          res.on('close', finish);
          res.on('error', finish);
        },
      );
      const timer = setTimeout(() => {
        done({ kind: 'error', error: 'timeout', message: `no response within ${this.opts.timeoutMs} ms` });
        req.destroy();
      }, this.opts.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === REFUSED) done({ kind: 'error', error: 'refused', message: err.message });
        else done({ kind: 'error', error: 'connection', message: `${err.code ?? 'error'}: ${err.message}`.slice(0, 500) });
      });
      req.end(body);
    });
  }
}
