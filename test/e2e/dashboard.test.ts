import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { staffToken } from '../integration/admin-helpers.js';
import { scriptReceiver, sleep, until } from '../integration/fulfillment-helpers.js';
import {
  cardPayment,
  checkoutBody,
  createProduct,
  documentClient,
  mailsFor,
  postCheckout,
  stockOf,
  storedOrder,
  testCards,
  twin,
  uniqueEmail,
} from '../integration/helpers.js';
import { twinTiming } from '../integration/twin-setup.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshots = join(import.meta.dirname, 'screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let browser: Browser;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});
afterAll(async () => browser?.close());

/**
 * Every wait in a page gives up well inside the test's 60 s, so a step that hangs fails naming
 * its locator or action, not as a bare test timeout.
 */
const stepTimeoutMs = 20_000;

/** Pages a test has open: if it fails, what they show is printed (see the afterEach below). */
const openPages = new Set<Page>();

const openPage = async (context: Pick<Browser, 'newPage'> = browser): Promise<Page> => {
  const page = await context.newPage();
  page.setDefaultTimeout(stepTimeoutMs);
  openPages.add(page);
  page.once('close', () => openPages.delete(page));
  return page;
};

// A failed step says what it waited for; the page says why it never came (an error shown, another
// view). Card numbers a page showed are masked before printing.
afterEach(async ({ task }) => {
  const pages = [...openPages];
  openPages.clear();
  for (const page of pages) {
    if (task.result?.state === 'fail') {
      const text = await page
        .locator('body')
        .textContent({ timeout: 5_000 })
        .then((shown) => (shown ?? '').replace(/\s+/g, ' ').trim())
        .catch((error: Error) => `(no text: ${error.message})`);
      console.error(`open at the failure: ${page.url()}\n${text.replace(/(?:\d[ -]?){12,18}\d/g, '[card number]').slice(0, 2_000)}`);
    }
    await page.close().catch(() => undefined);
  }
});

const shoot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

/**
 * axe-core in the page (evaluated through the DevTools protocol, so the pages' strict CSP stays on):
 * no serious or critical violations.
 */
const expectAccessible = async (page: Page) => {
  await page.evaluate(axeSource);
  // An evaluation has no timeout of its own.
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`axe-core did not finish within ${stepTimeoutMs} ms on ${page.url()}`)), stepTimeoutMs);
  });
  const violations = await Promise.race([
    page.evaluate(async () => {
      const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
        .map((v: any) => `${v.id} (${v.impact}): ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
    }),
    gaveUp,
  ]).finally(() => clearTimeout(timer));
  expect(violations).toEqual([]);
};

const signIn = async (username: 'admin' | 'csr'): Promise<Page> => {
  const page = await openPage();
  await page.goto(`${twin().apiUrl}/dashboard/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(twin().staffPasswords[username]);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
};

const fillCard = async (page: Page, number: string) => {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry month').fill('12');
  await page.getByLabel('Expiry year').fill(String(new Date().getUTCFullYear() + 3));
  await page.getByLabel('CVC').fill('123');
};

/** A storefront checkout of one unit of `sku` with `card`, up to the answer shown. */
const storefrontCheckout = async (page: Page, sku: string, email: string, card: string) => {
  await page.goto(`${twin().apiUrl}/demo/`);
  await page.locator(`#qty-${sku}`).fill('1');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name', { exact: true }).fill('Casey Shopper');
  await page.getByLabel('Address').fill('1 Main St');
  await page.getByLabel('City').fill('Springfield');
  await page.getByLabel('Postal code').fill('62701');
  await fillCard(page, card);
  await page.getByRole('button', { name: 'Place order' }).click();
};

const statusText = (page: Page) => page.locator('#status').textContent();

describe('storefront, pay page and dashboard in the browser', () => {
  const shopper = uniqueEmail();
  let offline: { id: string; trackUrl: string };

  it('checks out on the demo storefront with a declining card, is told why, and submits offline', async () => {
    const product = await createProduct({ name: 'E2E Lantern', priceCents: 4200, stock: 3 });
    const page = await openPage();
    await page.goto(`${twin().apiUrl}/demo/`);
    await expect.poll(() => page.getByText('E2E Lantern').count()).toBeGreaterThan(0);
    expect(await page.getByText('Repair evaluation').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByLabel('Purchase order', { exact: true }).count()).toBe(1);
    await expectAccessible(page);
    await storefrontCheckout(page, product.sku, shopper, testCards.declined);
    await page.getByRole('heading', { name: 'Payment not completed' }).waitFor();
    expect(await page.locator('#decline-message').textContent()).toBe('Your card was declined. Please use another card.');
    expect(await page.getByRole('button', { name: 'Try another card' }).count()).toBe(1);
    await expectAccessible(page);
    await shoot(page, 'storefront-declined');
    await page.getByRole('button', { name: 'Submit offline' }).click();
    await page.getByRole('heading', { name: /process the payment offline/ }).waitFor();
    const id = (await page.locator('#order-number').textContent())!;
    expect(await page.locator('#order-status').textContent()).toBe('Pending (offline)');
    const trackUrl = new URL((await page.getByRole('link', { name: 'Track this order' }).getAttribute('href'))!, page.url()).href;
    await expectAccessible(page);
    await shoot(page, 'storefront-placed');
    expect((await storedOrder(id)).status).toBe('OFFLINE_PENDING');
    expect(await stockOf(product.sku)).toBe(2);
    offline = { id, trackUrl };
    await page.close();
  });

  it('shows a CSR the offline order first in the queue, with counts, and no reveal button', async () => {
    const csr = await signIn('csr');
    const offlineTab = csr.getByRole('link', { name: /^Pending \(offline\) \d+$/ });
    await offlineTab.waitFor();
    expect(Number((await offlineTab.locator('.count').textContent())!)).toBeGreaterThanOrEqual(1);
    expect((await csr.locator('.tabs a').first().textContent())!.replace(/\s+/g, ' ').trim()).toMatch(/^Pending \(offline\) \d+$/);
    expect((await csr.locator('.tabs a').nth(1).textContent())!.replace(/\s+/g, ' ').trim()).toMatch(/^Stuck in Order Placed \d+$/);
    expect(await offlineTab.getAttribute('aria-current')).toBe('page');
    // Other files on this twin place offline orders too: the tab lists offline orders only, and the search below finds this one.
    expect(new Set(await csr.locator('#orders .badge').allTextContents())).toEqual(new Set(['Pending (offline)']));
    await expectAccessible(csr);
    await shoot(csr, 'queue');

    await csr.getByLabel('Customer email').fill(shopper);
    await csr.getByLabel('Customer email').press('Enter');
    // The search is a navigation of its own. The queue it replaces may list this very order (when it
    // is the only offline one), and a click there raced the search: wait for the search's view.
    await csr.waitForURL(/email=/);
    await expect.poll(() => csr.getByRole('link', { name: 'All', exact: true }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => csr.locator('#orders tr a').allTextContents()).toEqual([offline.id]);
    await csr.getByRole('link', { name: offline.id }).click();
    await expect.poll(() => statusText(csr)).toBe('Pending (offline)');
    expect(await csr.getByRole('button', { name: 'Reveal card' }).count()).toBe(0);
    expect(await csr.getByRole('button', { name: 'Approve (M)' }).count()).toBe(1);
    await expectAccessible(csr);
    await csr.close();
  });

  it('lets an admin reveal the card (reason asked), approve it with a code and ship it with tracking; the customer sees it', async () => {
    await scriptReceiver(shopper, [200]);
    const admin = await signIn('admin');
    await admin.goto(`${twin().apiUrl}/dashboard/#/orders/${offline.id}`);
    await expect.poll(() => statusText(admin)).toBe('Pending (offline)');
    await admin.getByRole('button', { name: 'Reveal card' }).click();
    // The reason is required: nothing is revealed without one.
    expect(await admin.locator('.revealed').count()).toBe(0);
    await admin.getByLabel('Reason for revealing').fill('charge in the virtual terminal');
    await admin.getByRole('button', { name: 'Reveal card' }).click();
    await expect.poll(() => admin.locator('.revealed').textContent()).toContain('4000000000000002');
    expect(await admin.locator('.timeline').textContent()).toContain('charge in the virtual terminal');
    await admin.getByLabel('Authorization code').fill('VT-123456');
    await admin.getByRole('button', { name: 'Approve (M)' }).last().click();
    await expect.poll(() => statusText(admin)).not.toBe('Pending (offline)');
    expect(await admin.locator('#payment-status').textContent()).toBe('Approved (M)');
    expect(await admin.locator('.revealed').count()).toBe(0);

    await expect
      .poll(async () => {
        await admin.reload();
        return statusText(admin);
      })
      .toBe('In Process');
    await admin.getByLabel('Carrier').fill('UPS');
    await admin.getByLabel('Tracking number').fill('1Z-E2E-777');
    await admin.getByRole('button', { name: 'Ship' }).click();
    await expect.poll(() => statusText(admin)).toBe('Shipped');
    expect(await admin.locator('.timeline').textContent()).toContain('1Z-E2E-777');
    await expectAccessible(admin);
    await shoot(admin, 'order');
    await admin.close();

    const customer = await openPage();
    await customer.goto(offline.trackUrl);
    await expect.poll(() => customer.locator('#order-status').textContent()).toBe('Shipped');
    expect(await customer.locator('#shipments').textContent()).toContain('1Z-E2E-777');
    expect(await customer.locator('#updates').textContent()).not.toContain('virtual terminal');
    await expectAccessible(customer);
    await customer.close();
    await expect.poll(async () => (await mailsFor(shopper, 'payment')).length).toBeGreaterThan(0);
  });

  it('emails a declined customer a pay link, reminds them once, and the pay page takes another card on the same order', async () => {
    const product = await createProduct({ name: 'E2E Kettle', priceCents: 3100, stock: 5 });
    const email = uniqueEmail();
    await scriptReceiver(email, [200]);
    const shop = await openPage();
    await storefrontCheckout(shop, product.sku, email, testCards.insufficientFunds);
    await shop.getByRole('heading', { name: 'Payment not completed' }).waitFor();
    expect(await shop.locator('#decline-message').textContent()).toBe('Your card has insufficient funds. Please use another card.');
    await shop.close();

    const [linkMail] = await until('the pay link', async () => {
      const mails = await mailsFor(email, 'complete the payment');
      return mails.length > 0 && mails;
    });
    const link = /http\S+\/demo\/pay\?\S+/.exec(linkMail!.body.text)![0];
    const orderId = new URL(link).searchParams.get('order')!;
    // Time passes: the reminder is due; the scheduled run sends it, once.
    await documentClient().send(
      new UpdateCommand({
        TableName: 'Orders-local',
        Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' },
        UpdateExpression: 'SET payLink.remindAt = :at',
        ExpressionAttributeValues: { ':at': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    await until('the reminder', async () => (await mailsFor(email, 'still waiting for payment')).length > 0);
    await sleep((twinTiming.monitorIntervalSeconds * 2 + 0.5) * 1000);
    const reminders = await mailsFor(email, 'still waiting for payment');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.body.text).toContain(link);

    const pay = await openPage();
    await pay.goto(link);
    await pay.getByRole('heading', { name: `Pay for order ${orderId}` }).waitFor();
    expect(await pay.locator('#decline-message').textContent()).toContain('insufficient funds');
    expect(await pay.getByRole('button', { name: 'Submit offline' }).count()).toBe(1);
    await expectAccessible(pay);
    await shoot(pay, 'pay-page');
    await fillCard(pay, testCards.declined);
    await pay.getByRole('button', { name: 'Pay with this card' }).click();
    await expect.poll(() => pay.locator('#pay-error').textContent()).toBe('Your card was declined. Please use another card.');
    await fillCard(pay, testCards.visa);
    await pay.getByRole('button', { name: 'Pay with this card' }).click();
    await pay.locator('#notice').waitFor();
    expect(await pay.locator('#order-number').textContent()).toBe(orderId);
    expect(await pay.getByRole('button', { name: 'Pay with this card' }).count()).toBe(0);
    expect(['Order Placed', 'In Process']).toContain(await pay.locator('#order-status').textContent());
    // Opened again later, the link says the order is paid and offers nothing.
    await pay.goto(link);
    await expect.poll(() => pay.locator('#pay-closed').textContent()).toBe('This order is paid: there is nothing more to pay.');
    expect(await pay.locator('form').count()).toBe(0);
    await pay.close();
    expect((await storedOrder(orderId)).payment.status).toBe('AUTHORIZED');
  });

  it('draws the reports chart for a date range, and serves admins the settings and products pages', async () => {
    const admin = await signIn('admin');
    await admin.getByRole('link', { name: 'Reports' }).click();
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    await admin.getByLabel('From', { exact: true }).fill(weekAgo);
    await admin.getByLabel('To', { exact: true }).fill(today);
    await admin.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => admin.locator('#daily-chart').getAttribute('data-days')).toBe('7');
    expect(await admin.getByRole('cell', { name: 'Pending (offline)' }).count()).toBe(1);
    // Something is painted: some pixel of the canvas is not transparent.
    const drawn = await admin.locator('#daily-chart').evaluate((canvas: any) => {
      const pixels: number[] = Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data);
      return pixels.some((value, i) => i % 4 === 3 && value !== 0);
    });
    expect(drawn).toBe(true);
    await expectAccessible(admin);
    await shoot(admin, 'reports');

    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByLabel('Pay link reminder hours').waitFor();
    expect(await admin.getByLabel('Declines per card per hour').inputValue()).toMatch(/^\d+$/);
    await expectAccessible(admin);

    const product = await createProduct({ name: 'E2E Stocked', stock: 4 });
    await admin.getByRole('link', { name: 'Products' }).click();
    await admin.getByLabel(`Stock of ${product.sku}`).fill('9');
    await admin.getByRole('button', { name: `Save ${product.sku}` }).click();
    await expect.poll(() => admin.locator('[role=status]').first().textContent()).toBe(`${product.sku} saved.`);
    expect(await stockOf(product.sku)).toBe(9);
    await expectAccessible(admin);
    await admin.close();
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
    const page = await openPage(context);
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
        const verified =
          createHash('sha256')
            .update(seen.token.code_verifier ?? '')
            .digest('base64url') === seen.authorize.code_challenge;
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
    await expect.poll(() => statusText(page)).toBe('Pending (offline)');
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
    expect(seen.logout).toMatchObject({ client_id: cognito.clientId, logout_uri: dashboardUrl });
    expect(Object.keys(seen.logout).sort()).toEqual(['client_id', 'id_token_hint', 'logout_uri']);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await context.close();
  });
});
