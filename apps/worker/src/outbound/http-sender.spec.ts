import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSender } from './http-sender.js';

describe('HttpSender', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      req.on('end', () => {
        if (req.url === '/redirect') return void res.writeHead(307, { location: `http://127.0.0.1:${port}/target` }).end();
        if (req.url === '/slow') return; // never answers
        if (req.url === '/limited') return void res.writeHead(429, { 'retry-after': '3' }).end();
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    hits.length = 0;
  });

  const send = (sender: HttpSender, url: string) => sender.send(url, { 'content-type': 'application/json' }, '{}');

  it('given private targets are allowed, when the receiver answers, then its status and Retry-After come back', async () => {
    const sender = new HttpSender({ timeoutMs: 5000, allowPrivate: true });
    expect(await send(sender, `http://127.0.0.1:${port}/ok`)).toEqual({ kind: 'response', status: 204, retryAfter: null });
    expect(await send(sender, `http://localhost:${port}/limited`)).toEqual({ kind: 'response', status: 429, retryAfter: '3' });
  });

  it('given a redirect, then the 3xx comes back and the target is never called', async () => {
    const sender = new HttpSender({ timeoutMs: 5000, allowPrivate: true });
    expect(await send(sender, `http://127.0.0.1:${port}/redirect`)).toMatchObject({ kind: 'response', status: 307 });
    expect(hits).toEqual(['/redirect']);
  });

  it('given private targets are not allowed, then an IP literal and a name resolving to loopback are refused before connecting', async () => {
    const sender = new HttpSender({ timeoutMs: 5000, allowPrivate: false });
    expect(await send(sender, `http://127.0.0.1:${port}/ok`)).toMatchObject({ kind: 'error', error: 'refused' });
    expect(await send(sender, `http://[::1]:${port}/ok`)).toMatchObject({ kind: 'error', error: 'refused' });
    expect(await send(sender, `http://localhost:${port}/ok`)).toMatchObject({ kind: 'error', error: 'refused', message: expect.stringMatching(/localhost resolves to a private/) });
    expect(hits).toEqual([]);
  });

  it('given a receiver that never answers, then a timeout', async () => {
    const sender = new HttpSender({ timeoutMs: 300, allowPrivate: true });
    expect(await send(sender, `http://127.0.0.1:${port}/slow`)).toMatchObject({ kind: 'error', error: 'timeout' });
  });

  it('given nothing listens, then a connection error; given a bad URL or protocol, then invalid', async () => {
    const sender = new HttpSender({ timeoutMs: 5000, allowPrivate: true });
    expect(await send(sender, 'http://127.0.0.1:1/x')).toMatchObject({ kind: 'error', error: 'connection', message: expect.stringMatching(/ECONNREFUSED/) });
    expect(await send(sender, 'not a url')).toMatchObject({ kind: 'error', error: 'invalid' });
    expect(await send(sender, 'ftp://127.0.0.1/x')).toMatchObject({ kind: 'error', error: 'invalid' });
  });
});
