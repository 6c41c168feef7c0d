import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    await expect.poll(() => admin.locator('#status').textContent()).toBe('Order Placed');
    expect(await admin.locator('#payment-status').textContent()).toBe('Approved (M)');
    expect(await admin.locator('.timeline').textContent()).toContain('charge in the virtual terminal');
    await admin.screenshot({ path: join(process.env.E2E_SCREENSHOT_DIR ?? tmpdir(), 'dashboard-order.png'), fullPage: true });
    await admin.close();

    await expect.poll(async () => (await mailsFor(email, 'payment')).length).toBeGreaterThan(0);
  });
});
