import { isUtf8 } from 'node:buffer';
import type { NextFunction, Request, Response } from 'express';
import { ProblemException } from './problem.js';

/*
 * JSON request bodies, bounded before any walk of them: the size per route (checked on the
 * Content-Length and on every chunk as it arrives), the nesting depth (a streaming scan of each
 * chunk as it arrives, so a body of nested `[` is refused at byte 33, never parsed), UTF-8
 * (RFC 8259), and only then JSON.parse. See docs/input-validation.md.
 */

/** Deepest nesting of arrays and objects a request body may have (the contract needs 4). */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Tracks the nesting depth of JSON text fed to it in chunks, without parsing it. Only brackets
 * outside strings count; what the text means is JSON.parse's business afterwards.
 */
export class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The deepest nesting seen so far. */
  deepest = 0;

  constructor(private readonly max: number) {}

  /** Feeds the next bytes; false as soon as the nesting goes deeper than `max`. */
  feed(chunk: Uint8Array): boolean {
    let { depth, inString, escaped } = this;
    const max = this.max;
    const n = chunk.length;
    let i = 0;
    // Next backslash at or after i (n: none left); searched again only once passed.
    let slash = -1;
    while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        // Most of a body is string content: jump to the next quote or backslash (native search).
        let q = chunk.indexOf(QUOTE, i);
        if (q === -1) q = n;
        if (slash < i) {
          slash = chunk.indexOf(BACKSLASH, i);
          if (slash === -1) slash = n;
        }
        if (slash < q) {
          escaped = true;
          i = slash + 1;
        } else if (q === n) {
          i = n;
        } else {
          inString = false;
          i = q + 1;
        }
        continue;
      }
      const c = chunk[i++];
      if (c === QUOTE) inString = true;
      else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        if (++depth > max) {
          this.deepest = depth;
          return false;
        }
        if (depth > this.deepest) this.deepest = depth;
      } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return true;
  }
}

/** True when the JSON text in `buf` nests deeper than `max` (a scan, no parse). */
export const jsonTooDeep = (buf: Uint8Array, max = MAX_JSON_DEPTH): boolean => !new JsonDepthScanner(max).feed(buf);

/** `512kb` / `5mb` / `100b` → bytes. */
export function parseByteLimit(limit: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(limit.trim());
  if (!m) throw new Error(`not a byte limit: ${limit}`);
  const unit = m[2].toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([\w-]+)"?/i;

export interface JsonBodyOptions {
  /** Byte limit of a body on `req` (e.g. larger for the ingest routes). */
  limitFor: (req: Request) => number;
  maxDepth?: number;
  /** Requests another reader takes (webhooks: raw bytes for the signature). */
  skip?: (req: Request) => boolean;
  /** Where a body that is not JSON is refused with 415 (elsewhere it is left unread). */
  jsonOnly?: (req: Request) => boolean;
}

const problem = (status: number, slug: string, detail: string) => ProblemException.of(status, slug, detail, {}, { Connection: 'close' });

/** Reads and parses JSON bodies within the limits; errors are problems (400, 413, 415). */
export function jsonBodies(opts: JsonBodyOptions) {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  return (req: Request & { _body?: boolean; rawBody?: Buffer }, res: Response, next: NextFunction) => {
    if (req._body || opts.skip?.(req)) return next();
    const length = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (!chunked && (length === undefined || length === '0')) return next();
    const type = req.headers['content-type'] ?? '';
    if (!JSON_TYPE.test(type)) {
      if (opts.jsonOnly?.(req)) return next(problem(415, 'unsupported-media-type', 'Request bodies are JSON: send Content-Type: application/json.'));
      return next();
    }
    const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') return next(problem(415, 'unsupported-media-type', 'JSON bodies are UTF-8.'));
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') return next(problem(415, 'unsupported-media-type', 'Compressed request bodies are not accepted.'));
    const limit = opts.limitFor(req);
    if (length !== undefined && Number(length) > limit) return next(problem(413, 'content-too-large', `The request body is larger than the limit for this route (${limit} bytes).`));

    const scanner = new JsonDepthScanner(maxDepth);
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (err) {
        // Stop reading; the connection closes once the problem is sent.
        req.pause();
        return next(err);
      }
      const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
      if (!isUtf8(raw)) return next(problem(400, 'bad-request', 'The request body is not valid UTF-8.'));
      try {
        req.body = JSON.parse(raw.toString('utf8'));
      } catch {
        return next(problem(400, 'bad-request', 'The request body is not valid JSON.'));
      }
      req._body = true;
      next();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return finish(problem(413, 'content-too-large', `The request body is larger than the limit for this route (${limit} bytes).`));
      if (!scanner.feed(chunk)) return finish(problem(400, 'too-deep', `The request body nests deeper than ${maxDepth} levels.`));
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(problem(400, 'bad-request', 'The request body could not be read.'));
    const onAborted = () => finish(problem(400, 'bad-request', 'The request was aborted.'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  };
}
