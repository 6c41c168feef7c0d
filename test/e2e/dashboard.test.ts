import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffToken } from '../integration/admin-helpers.js';
import { cardPayment, checkoutBody, mailsFor, postCheckout, testCards, twin, uniqueEmail } from '../integration/helpers.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});
afterAll(async () => browser?.close());

const signIn = async (username: string, password: string): Promise<Page> => {
  const page = await browser.newPage();
  await page.goto(`${twin().apiUrl}/dashboard/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
};

describe('dashboard', () => {
  it('lets a CSR find an offline order and an admin reveal the card and approve it', async () => {
    const email = uniqueEmail();
    const placed = await postCheckout(checkoutBody({ customer: { email, name: 'Dana Offline' }, payment: cardPayment(testCards.declined), onDecline: 'offline' }));
    const orderId = placed.body.order.id as string;

    const csr = await signIn('csr', twin().staffPasswords.csr);
    await csr.getByRole('button', { name: 'Pending (offline)' }).click();
    await csr.getByPlaceholder('Customer email').fill(email);
    await csr.getByPlaceholder('Customer email').press('Enter');
    await csr.getByRole('cell', { name: orderId }).click();
    await expect.poll(() => csr.locator('#status').textContent()).toBe('Pending (offline)');
    expect(await csr.getByRole('button', { name: 'Reveal card' }).count()).toBe(0);
    await csr.close();

    const admin = await signIn('admin', twin().staffPasswords.admin);
    await admin.getByRole('cell', { name: orderId }).click();
    await admin.getByLabel('Reason for revealing').fill('charge in the virtual terminal');
    await admin.getByRole('button', { name: 'Reveal card' }).click();
    await expect.poll(() => admin.locator('.revealed').textContent()).toContain('4000000000000002');
    await admin.getByLabel('Authorization code').fill('VT-123456');
    await admin.getByRole('button', { name: 'Approve (M)' }).last().click();
    // The approval sends the payment receipt before the view reloads: slower than poll's 1 s default on a busy machine.
    await expect.poll(() => admin.locator('#status').textContent(), { timeout: 10_000 }).toBe('Order Placed');
    expect(await admin.locator('#payment-status').textContent()).toBe('Approved (M)');
    expect(await admin.locator('.timeline').textContent()).toContain('charge in the virtual terminal');
    await admin.screenshot({ path: join(process.env.E2E_SCREENSHOT_DIR ?? tmpdir(), 'dashboard-order.png'), fullPage: true });
    await admin.close();

    await expect.poll(async () => (await mailsFor(email, 'payment')).length).toBeGreaterThan(0);
  });

  it('signs in through Cognito managed login (code grant with PKCE), back on the linked order, and signs out there', async () => {
    const placed = await postCheckout(checkoutBody({ payment: cardPayment(testCards.declined), onDecline: 'offline' }));
    const orderId = placed.body.order.id as string;
    const cognito = { domain: 'https://staff.auth.example.test', clientId: 'dashboard-client', region: 'us-east-1' };
    const dashboardUrl = `${twin().apiUrl}/dashboard/`;
    const seen: Record<'authorize' | 'token' | 'logout', Record<string, string>> = { authorize: {}, token: {}, logout: {} };

    // The twin's config.json says Cognito, and a stand-in for managed login signs in at once,
    // handing out an ID token of the twin's issuer, which the admin API accepts. The CSP that lets
    // the dashboard fetch tokens from the sign-in domain is CloudFront's (test/infra); the twin's
    // own CSP allows its origin only, so it is bypassed here.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.route('**/dashboard/config.json', (route) => route.fulfill({ json: { apiBase: '', auth: 'cognito', cognito } }));
    await page.route(`${cognito.domain}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/oauth2/authorize') {
        seen.authorize = Object.fromEntries(url.searchParams);
        const back = `${seen.authorize.redirect_uri}?${new URLSearchParams({ code: 'the-code', state: seen.authorize.state! })}`;
        return route.fulfill({ status: 302, headers: { location: back } });
      }
      if (url.pathname === '/oauth2/token') {
        seen.token = Object.fromEntries(new URLSearchParams(route.request().postData() ?? ''));
        const verified = createHash('sha256').update(seen.token.code_verifier ?? '').digest('base64url') === seen.authorize.code_challenge;
        return route.fulfill({
          status: verified ? 200 : 400,
          headers: { 'access-control-allow-origin': twin().apiUrl },
          json: verified ? { id_token: await staffToken('admin'), access_token: 'unused', token_type: 'Bearer', expires_in: 3600 } : { error: 'invalid_grant' },
        });
      }
      seen.logout = Object.fromEntries(url.searchParams);
      return route.fulfill({ status: 302, headers: { location: seen.logout.logout_uri! } });
    });

    await page.goto(`${dashboardUrl}#/orders/${orderId}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Pending (offline)');
    expect(page.url()).toBe(`${dashboardUrl}#/orders/${orderId}`);
    expect(seen.authorize).toMatchObject({
      response_type: 'code',
      client_id: cognito.clientId,
      redirect_uri: dashboardUrl,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(seen.token).toMatchObject({ grant_type: 'authorization_code', code: 'the-code', client_id: cognito.clientId, redirect_uri: dashboardUrl });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(seen.logout).toEqual({ client_id: cognito.clientId, logout_uri: dashboardUrl });
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await context.close();
  });
});
