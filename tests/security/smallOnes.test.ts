// Defect 8: METRICS_TOKEN is compared in constant time (a helper that compares
// digests, so neither the content nor the length of the token leaks through
// timing), and an email whose local part exceeds 64 characters (RFC 5321) is
// refused with invalid_request before anything changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyerDetailsSchema } from '../../lib/protocol';
import { secretsEqual } from '../../server/http/secrets';
import { newSession } from '../server/adminHelpers';
import { raw, startSecurityServer, type SecurityServer } from './helpers';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('secretsEqual', () => {
  it('is true only for identical strings, whatever the lengths', () => {
    expect(secretsEqual(METRICS_TOKEN, METRICS_TOKEN)).toBe(true);
    expect(secretsEqual(`${METRICS_TOKEN}x`, METRICS_TOKEN)).toBe(false);
    expect(secretsEqual(METRICS_TOKEN.slice(0, -1), METRICS_TOKEN)).toBe(false);
    expect(secretsEqual('', METRICS_TOKEN)).toBe(false);
    expect(secretsEqual(undefined, METRICS_TOKEN)).toBe(false);
    expect(secretsEqual(METRICS_TOKEN.toUpperCase(), METRICS_TOKEN)).toBe(false);
    expect(secretsEqual('é', '\u0065\u0301')).toBe(false); // bytes, not a normalised form
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await startSecurityServer({ env: { METRICS_TOKEN }, pages: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('the right bearer token reads the metrics; anything else is forbidden', async () => {
    expect((await raw(server.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    for (const header of [`Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, `bearer ${METRICS_TOKEN}`, METRICS_TOKEN, 'Bearer ', '']) {
      const res = await raw(server.url, 'GET', '/metrics', { headers: header ? { authorization: header } : {} });
      expect(res.status, header).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
  });
});

describe('email local part', () => {
  it('the schema allows 64 characters before the @ and refuses 65', () => {
    const at = (local: string) => buyerDetailsSchema.safeParse({ name: 'Ada', email: `${local}@example.com` });
    expect(at('a'.repeat(64)).success).toBe(true);
    const long = at('a'.repeat(65));
    expect(long.success).toBe(false);
    expect(long.error?.issues[0].path).toEqual(['email']);
    expect(long.error?.issues[0].message).toMatch(/64/);
  });

  let server: SecurityServer;
  beforeAll(async () => {
    server = await startSecurityServer({ pages: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('confirming a hold with a 65-character local part is invalid_request and the hold stays', async () => {
    const { token } = await newSession(server.url);
    const auth = { authorization: `Bearer ${token}` };
    const hold = await raw(server.url, 'POST', '/api/events/demo-theatre/holds', { headers: auth, body: { seatIds: ['SC-C-1'] } });
    expect(hold.status).toBe(201);
    const holdId = hold.json().hold.id as string;
    const confirm = (local: string, key: string) =>
      raw(server.url, 'POST', `/api/holds/${holdId}/confirm`, {
        headers: { ...auth, 'idempotency-key': key },
        body: { buyer: { name: 'Ada Lovelace', email: `${local}@example.com` } },
      });
    const refused = await confirm('a'.repeat(65), 'key-long-local-part-1');
    expect(refused.status).toBe(400);
    expect(refused.json().error.code).toBe('invalid_request');
    expect(refused.json().error.issues.some((i: { path: string }) => String(i.path).includes('email'))).toBe(true);
    expect((await raw(server.url, 'GET', '/api/events/demo-theatre/availability')).json().seats['SC-C-1']).toBe('held');
    expect((await confirm('a'.repeat(64), 'key-long-local-part-2')).status).toBe(201);
  });
});
