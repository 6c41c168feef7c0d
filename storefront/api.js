// The public storefront API (SPEC §5.1): the only thing this demo store talks to.

/** `{status, body}` of a call; the caller decides what each status means for the page. */
export const call = async (method, path, { body, token, idempotent = false } = {}) => {
  const headers = {};
  if (body) headers['content-type'] = 'application/json';
  if (token) headers['x-order-token'] = token;
  if (idempotent) headers['idempotency-key'] = crypto.randomUUID();
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: response.status, body: await response.json().catch(() => null) };
};

/** An error answer in words, with what is wrong with which field. */
export const problem = (body) => {
  const details = body?.error?.details?.map((d) => `${d.path}: ${d.message}`).join('; ');
  const message = body?.error?.message ?? 'Something went wrong; please try again.';
  return details ? `${message} (${details})` : message;
};

export const orderPath = (id) => `/orders/${encodeURIComponent(id)}`;
export const trackUrl = (id, token) => `track?${new URLSearchParams({ order: id, token })}`;
