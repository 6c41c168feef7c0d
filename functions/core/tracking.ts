import { timingSafeEqual } from 'node:crypto';
import { notFound } from './errors.js';
import type { Order } from './order.js';
import type { OrderRepository } from './ports.js';

const sameToken = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** The customer's view of an order: unknown id and wrong token look the same (404, never 403). */
export const findOrderForCustomer = async (orders: OrderRepository, id: string, token: string | undefined): Promise<Order> => {
  const order = token ? await orders.get(id) : null;
  if (!order || !sameToken(order.trackingToken, token!)) throw notFound();
  return order;
};
