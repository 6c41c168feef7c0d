import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { act, auditEventsOf, login, offlineOrder, staffApi, staffToken } from './admin-helpers.js';
import { api, twin } from './helpers.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const listOrders = (headers: Record<string, string>) => api('GET', '/admin/orders?limit=1', { headers });

const expectError = (response: { status: number; body: any }, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
};

describe('local sign-in (POST /auth/login)', () => {
  it('issues ID tokens with the Cognito claims for admin and csr', async () => {
    for (const user of ['admin', 'csr'] as const) {
      const response = await login(user, twin().staffPasswords[user]);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ token: expect.any(String), expiresIn: 3600 });
      const claims = decodeJwt(response.body.token);
      expect(claims).toMatchObject({
        'cognito:username': user,
        'cognito:groups': [user],
        token_use: 'id',
        iss: `${twin().apiUrl}/auth`,
        aud: 'local-dashboard',
      });
      expect(claims.sub).toMatch(/^[0-9a-f-]{36}$/);
      expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3590);
    }
  });

  it('refuses a wrong password and an unknown user alike, and audits both without keeping the typed name', async () => {
    const wrongPassword = await login('admin', 'not-the-password');
    const unknownUser = await login('mallory-4242', 'whatever');
    expectError(wrongPassword, 401, 'unauthorized');
    expectError(unknownUser, 401, 'unauthorized');
    expect(unknownUser.body.error.message).toBe(wrongPassword.body.error.message);

    const events = await auditEventsOf([wrongPassword, unknownUser]);
    expect(events).toHaveLength(2);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'admin', action: 'login', outcome: 'unauthorized' }),
        expect.objectContaining({ actor: 'unknown', action: 'login', outcome: 'unauthorized' }),
      ]),
    );
    expect(JSON.stringify(events)).not.toContain('mallory');
  });

  it('validates the request and caps token lifetimes at an hour', async () => {
    const noPassword = await api('POST', '/auth/login', { body: { username: 'admin' } });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'password' }] });
    const tooLong = await login('admin', twin().staffPasswords.admin, { expiresIn: 7200 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details[0].path).toBe('expiresIn');
  });
});

describe('staff token checks (401)', () => {
  it('refuses a missing, malformed or non-bearer token before looking at the request', async () => {
    expectError(await listOrders({}), 401, 'unauthorized');
    expectError(await listOrders({ authorization: 'Bearer not-a-jwt' }), 401, 'unauthorized');
    expectError(await listOrders({ authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` }), 401, 'unauthorized');
    // Invalid body, no token: the answer is 401, not a validation error.
    expectError(await api('POST', '/admin/orders', { body: { nonsense: true } }), 401, 'unauthorized');
  });

  it('refuses a CSR token whose groups claim was edited to admin', async () => {
    const [header, payload, signature] = (await staffToken('csr')).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const promoted = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['admin'] })).toString('base64url');
    expectError(await listOrders(bearer(`${header}.${promoted}.${signature}`)), 401, 'unauthorized');
  });

  it('refuses a token with the right claims signed by another key, and an unsigned one', async () => {
    const claims = decodeJwt(await staffToken('admin'));
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    expectError(await listOrders(bearer(forged)), 401, 'unauthorized');

    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expectError(await listOrders({ authorization: `Bearer ${unsigned}x` }), 401, 'unauthorized');
  });

  it('refuses an expired token', async () => {
    // exp is whole seconds, so a 1 s token may have only milliseconds left when it is issued;
    // 4 s leave room for a loaded machine to use it once before it lapses.
    const { body } = await login('admin', twin().staffPasswords.admin, { expiresIn: 4 });
    expect((await listOrders(bearer(body.token))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, (decodeJwt(body.token).exp! + 1) * 1000 - Date.now()));
    const expired = await listOrders(bearer(body.token));
    expectError(expired, 401, 'unauthorized');
    expect(expired.body.error.message).toMatch(/expired/);
  });
});

describe('roles (403)', () => {
  it('lets CSRs work orders but not reveal cards, change settings or products, or record orders', async () => {
    const { order } = await offlineOrder();
    expect((await staffApi('csr', 'GET', '/admin/orders?limit=1')).status).toBe(200);
    expect((await staffApi('csr', 'GET', `/admin/orders/${order.id}`)).status).toBe(200);
    expect((await staffApi('csr', 'GET', '/admin/settings')).status).toBe(200);
    expect((await act('csr', order.id, 'notes', { message: 'Called the customer' })).status).toBe(200);

    const refused = [
      await staffApi('csr', 'POST', `/admin/orders/${order.id}/card/reveal`, { body: { reason: 'charge it' } }),
      await staffApi('csr', 'PUT', '/admin/settings', { body: { storeName: 'Taken over' } }),
      await staffApi('csr', 'PUT', '/admin/products/WIDGET-1', { body: { priceCents: 1 } }),
      await staffApi('csr', 'POST', '/admin/orders', { body: {} }),
      await staffApi('csr', 'GET', '/admin/audit'),
    ];
    for (const response of refused) expectError(response, 403, 'forbidden');
    expect((await staffApi('admin', 'GET', '/admin/settings')).body.storeName).not.toBe('Taken over');

    const events = await auditEventsOf(refused);
    expect(events.map((e: any) => [e.actor, e.outcome])).toEqual(refused.map(() => ['csr', 'forbidden']));
  });
});
