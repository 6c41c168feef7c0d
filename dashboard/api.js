// The admin API over fetch, with the signed-in staff member's ID token.
import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `The server answered HTTP ${status}.`);
    this.status = status;
    this.body = body;
  }
}

let apiBase = '';
let onUnauthorized = () => undefined;

export const configureApi = (config, unauthorized) => {
  apiBase = config.apiBase ?? '';
  onUnauthorized = unauthorized;
};

export const api = async (method, path, body, headers = {}) => {
  const token = await session.token();
  const response = await fetch(`${apiBase}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => null);
  if (response.status === 401 && path !== '/auth/login') {
    await session.clear();
    onUnauthorized();
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
};

/** An API error in words: the server's message and, for invalid input, what is wrong with which field. */
export const describeError = (error) => {
  const details = error.body?.error?.details?.map((d) => `${d.path}: ${d.message}`).join('; ');
  return details ? `${error.message} (${details})` : error.message;
};
