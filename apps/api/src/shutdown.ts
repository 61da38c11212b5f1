import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';

/**
 * Stops the API the way a load balancer expects: no new connections, the requests in flight
 * answered (up to `graceMs`), then the application closed (the pool, Redis). Closing the
 * application first, as Nest's own signal hook does, ended the database pool under requests
 * still running ("Connection terminated" for a caller that had sent its request).
 */
export async function closeGracefully(app: INestApplication, graceMs: number): Promise<void> {
  const server = app.getHttpServer() as Server;
  if (server.listening) {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections become idle as their last request is answered: close them then.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearInterval(sweep);
    clearTimeout(timer);
    server.closeAllConnections();
  }
  await app.close();
}

/** SIGTERM / SIGINT → `closeGracefully`, once; a second signal exits at once. */
export function onStopSignals(app: INestApplication, graceMs: number): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      closeGracefully(app, graceMs).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
