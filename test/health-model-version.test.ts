import request from 'supertest';
import { createWorker } from '../apps/worker/src/bootstrap.js';
import { HEALTH_MODEL_VERSION } from '../libs/relationship/src/index.js';
import { eventually, startStack, type Stack } from './support/stack.js';

// The health model (drivers, their words, defaults) has a version; a worker that starts with
// another one than the read models were built with rebuilds them, so the stored drivers and notes
// are what the deployed model writes (docs/health-and-churn.md).
describe('health model version', () => {
  let stack: Stack;
  let token: string;
  let customerId: string;
  let restarted: Awaited<ReturnType<typeof createWorker>> | undefined;
  const as = () => ({ Authorization: `Bearer ${token}` });
  const row = async () => (await stack.db.ds.query(`SELECT drivers, notes, churn_drivers, score FROM customer_health WHERE customer_id = $1`, [customerId]))[0];
  const version = async () => (await stack.db.ds.query(`SELECT version FROM read_model_versions WHERE name = 'customer-read-models:health'`)).map((r: any) => r.version);

  beforeAll(async () => {
    stack = await startStack();
    token = (await request(stack.baseUrl).post('/api/v1/auth/login').send({ email: 'admin@closeness.test', password: 'admin-password-1' }).expect(200)).body.token;
    customerId = (await request(stack.baseUrl).post('/api/v1/customers').set(as()).send({ externalId: 'hmv-1', name: 'Kari Nordmann' }).expect(201)).body.id;
    // Company newsletters: nothing a silence check could answer with a fact of its own.
    const base = { customerId, handledBy: 'automation', initiatedBy: 'company', direction: 'outbound', channel: 'newsletter' };
    await request(stack.baseUrl)
      .post('/api/v1/touchpoints/batch')
      .set(as())
      .send({ touchpoints: [1, 2, 3, 4].map((d) => ({ ...base, occurredAt: new Date(Date.now() - d * 86_400_000).toISOString(), topic: 'offers' })) })
      .expect(201);
  }, 90_000);
  afterAll(async () => {
    await restarted?.close();
    await stack?.close();
  });

  it('given a fresh database, when the worker starts and projects, then the deployed health model is recorded', async () => {
    await eventually(async () => (await row()) !== undefined, 60_000);
    expect(await version()).toEqual([HEALTH_MODEL_VERSION]);
  });

  it('given read models built by another health model, when a worker starts, then it rebuilds them with the deployed one', async () => {
    const considered = async () => (await stack.db.ds.query(`SELECT events_considered FROM customer_health WHERE customer_id = $1`, [customerId]))[0]?.events_considered;
    await eventually(async () => (await considered()) === 4, 60_000);
    const projected = await row();
    await stack.worker!.close();
    // What an older deployment left behind: other words, no notes.
    await stack.db.ds.query(`UPDATE read_model_versions SET version = 'health-older' WHERE name = 'customer-read-models:health'`);
    await stack.db.ds.query(`UPDATE customer_health SET drivers = '[{"factor": "score limited to the 0–100 scale", "effect": 1, "eventIds": []}]', notes = '[]'`);

    restarted = await createWorker(stack.config);
    await eventually(async () => JSON.stringify(await row()) === JSON.stringify(projected), 60_000);
    expect(await version()).toEqual([HEALTH_MODEL_VERSION]);
    const [cp] = await stack.db.ds.query(`SELECT status FROM projection_checkpoints WHERE name = 'customer-read-models'`);
    expect(cp.status).toBe('running');
  }, 120_000);
});
