import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { entriesOf, placeOrder, staffOrder } from './admin-helpers.js';
import { sleep, until } from './fulfillment-helpers.js';
import { api, cardPayment, documentClient, mailsFor, newKey, testCards, twin } from './helpers.js';
import { twinTiming } from './twin-setup.js';

/** Test setup standing in for time passing: moves a pay link's reminder or expiry into the past. */
const backdatePayLink = (orderId: string, field: 'remindAt' | 'expiresAt') =>
  documentClient().send(
    new UpdateCommand({
      TableName: 'Orders-local',
      Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' },
      UpdateExpression: `SET payLink.${field} = :at`,
      ExpressionAttributeValues: { ':at': new Date(Date.now() - 1000).toISOString() },
    }),
  );

const customerOrder = async (id: string, token: string) => (await api('GET', `/orders/${id}?token=${encodeURIComponent(token)}`)).body.order;
const retry = (id: string, token: string, number: string) =>
  api('POST', `/orders/${id}/payment`, { body: { payment: cardPayment(number) }, headers: { 'X-Order-Token': token, 'Idempotency-Key': newKey() } });
const declined = () => placeOrder({ payment: cardPayment(testCards.insufficientFunds) });
const timerRuns = (runs: number) => sleep((twinTiming.monitorIntervalSeconds * runs + 0.5) * 1000);

describe('pay links for declined orders', () => {
  it('answers a decline with the words to show, and emails a link to the pay page of the same order', async () => {
    const { email, order, trackingToken } = await declined();
    expect(order.status).toBe('INCOMPLETE');
    expect(order.payment.declineMessage).toBe('Your card has insufficient funds. Please use another card.');
    const [mail, ...more] = await until('the pay link email', async () => {
      const mails = await mailsFor(email, 'complete the payment');
      return mails.length > 0 && mails;
    });
    expect(more).toEqual([]);
    const link = `${twin().apiUrl}/demo/pay?order=${order.id}&token=${trackingToken}`;
    expect(mail!.body.text).toContain(link);
    expect(mail!.body.html).toContain(link.replace('&', '&amp;'));
    expect(mail!.body.text).not.toMatch(/\d{12,}/);

    const view = await customerOrder(order.id, trackingToken);
    expect(view.payLink).toEqual({ expiresAt: expect.any(String), open: true, actions: ['retry_payment', 'submit_offline'], message: null });
    const days = (Date.parse(view.payLink.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    expect(entriesOf(await staffOrder(order.id), 'email_sent').map((e: any) => e.data.kind)).toContain('pay_link');
  });

  it('pays the same order with another card; the link then says so and offers nothing', async () => {
    const { order, trackingToken } = await declined();
    const paid = await retry(order.id, trackingToken, testCards.visa);
    expect(paid.status).toBe(201);
    expect(paid.body.order.id).toBe(order.id);
    const view = await customerOrder(order.id, trackingToken);
    expect(view.status).not.toBe('INCOMPLETE');
    expect(view.payLink).toMatchObject({ open: false, actions: [], message: 'This order is paid: there is nothing more to pay.' });
  });

  it('sends one reminder once it is due, on the scheduled run, and records it on the timeline', async () => {
    const { email, order } = await declined();
    await until('the pay link email', async () => (await mailsFor(email, 'complete the payment')).length > 0);
    await timerRuns(2);
    expect(await mailsFor(email, 'still waiting for payment')).toEqual([]);

    await backdatePayLink(order.id, 'remindAt');
    await until('the reminder', async () => (await mailsFor(email, 'still waiting for payment')).length > 0);
    await timerRuns(3);
    expect(await mailsFor(email, 'still waiting for payment')).toHaveLength(1);
    const stored = await staffOrder(order.id);
    expect(entriesOf(stored, 'email_sent').filter((e: any) => e.data.kind === 'pay_link_reminder')).toHaveLength(1);
  });

  it('after the link expires: the page offers nothing, the card cannot be retried and no reminder goes out', async () => {
    const { email, order, trackingToken } = await declined();
    await until('the pay link email', async () => (await mailsFor(email, 'complete the payment')).length > 0);
    await backdatePayLink(order.id, 'expiresAt');
    await backdatePayLink(order.id, 'remindAt');
    expect((await customerOrder(order.id, trackingToken)).payLink).toMatchObject({
      open: false,
      actions: [],
      message: 'This pay link has expired. Please place a new order.',
    });
    const refused = await retry(order.id, trackingToken, testCards.visa);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('invalid_transition');
    await timerRuns(3);
    expect(await mailsFor(email, 'still waiting for payment')).toEqual([]);
  });

  it('sends no pay link when the order went offline instead', async () => {
    const { email, order } = await placeOrder({ payment: cardPayment(testCards.declined), onDecline: 'offline' });
    expect(order.status).toBe('OFFLINE_PENDING');
    await until('the receipt', async () => (await mailsFor(email, 'received')).length > 0);
    expect(await mailsFor(email, 'complete the payment')).toEqual([]);
    expect((await staffOrder(order.id)).payLink).toBeUndefined();
  });
});
