import request from 'supertest';
import { createWorker } from '../apps/worker/src/bootstrap.js';
import { SCORING_MODEL_VERSION } from '../libs/relationship/src/index.js';
import { eventually, startStack, type Stack } from './support/stack.js';

// The scoring model has a version; the stored scores carry it; a worker that starts with
// another model than the one the read models were built with rebuilds them (docs/relational-score.md).
describe('relational scoring model version', () => {
  let stack: Stack;
  let token: string;
  let customerId: string;
  let restarted: Awaited<ReturnType<typeof createWorker>> | undefined;
  const as = () => ({ Authorization: `Bearer ${token}` });
  const timelineModels = async () => {
    const res = await request(stack.baseUrl).get(`/api/v1/customers/${customerId}/timeline`).set(as()).expect(200);
    return res.body.items.filter((i: any) => i.relational).map((i: any) => i.relational.model);
  };

  beforeAll(async () => {
    stack = await startStack();
    token = (await request(stack.baseUrl).post('/api/v1/auth/login').send({ email: 'admin@closeness.test', password: 'admin-password-1' }).expect(200)).body.token;
    customerId = (await request(stack.baseUrl).post('/api/v1/customers').set(as()).send({ externalId: 'smv-1', name: 'Kari Nordmann' }).expect(201)).body.id;
    await request(stack.baseUrl)
      .post('/api/v1/touchpoints')
      .set(as())
      .send({
        customerId, channel: 'phone', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
        transcript: [{ speaker: 'customer', text: 'The invoice is wrong again.' }, { speaker: 'agent', text: 'Kari, what does it say this time? I will fix it today and call you back before four.' }],
      })
      .expect(201);
  }, 90_000);
  afterAll(async () => {
    await restarted?.close();
    await stack?.close();
  });

  it('given a touchpoint, when projected, then its timeline score and the read model carry the deployed model version', async () => {
    await eventually(async () => (await timelineModels()).length === 1, 60_000);
    expect(await timelineModels()).toEqual([SCORING_MODEL_VERSION]);
    const rows = await stack.db.ds.query(`SELECT version FROM read_model_versions WHERE name = 'customer-read-models'`);
    expect(rows).toEqual([{ version: SCORING_MODEL_VERSION }]);
  });

  it('given read models built by another model, when a worker starts, then it rebuilds them and every score is the deployed model’s', async () => {
    await eventually(async () => (await timelineModels()).length === 1, 60_000);
    await stack.worker!.close();
    // What an older deployment left behind.
    await stack.db.ds.query(`UPDATE read_model_versions SET version = 'older-model'`);
    await stack.db.ds.query(`UPDATE relational_scores SET score = jsonb_set(score, '{model}', '"older-model"')`);
    expect(await timelineModels()).toEqual(['older-model']);

    restarted = await createWorker(stack.config);
    await eventually(async () => JSON.stringify(await timelineModels()) === JSON.stringify([SCORING_MODEL_VERSION]), 60_000);
    const rows = await stack.db.ds.query(`SELECT version FROM read_model_versions WHERE name = 'customer-read-models'`);
    expect(rows).toEqual([{ version: SCORING_MODEL_VERSION }]);
    const [cp] = await stack.db.ds.query(`SELECT status FROM projection_checkpoints WHERE name = 'customer-read-models'`);
    expect(cp.status).toBe('running');
  }, 120_000);
});
