// Stops the embedded PostgreSQL the global setup started, if it did.
export default async function globalTeardown() {
  await globalThis.__closenessEmbeddedPg?.stop();
}
