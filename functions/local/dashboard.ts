import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { dashboardContentSecurityPolicy } from '../../contract/dashboard-csp.js';
import type { StaticHandler } from './server.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Serves the dashboard at `/dashboard/` as CloudFront serves it from S3 in AWS (at the root
 * there), with the same Content-Security-Policy and a `config.json` telling it the API lives on
 * the same origin and staff sign in locally (`POST /auth/login`) rather than with Cognito.
 */
export const serveDashboard = (root: string): StaticHandler => (request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' || !(path === '/dashboard' || path.startsWith('/dashboard/'))) return false;
  if (path === '/dashboard') {
    response.writeHead(301, { location: '/dashboard/' }).end();
    return true;
  }
  if (path === '/dashboard/config.json') {
    response.writeHead(200, { 'content-type': contentTypes['.json']! }).end(JSON.stringify({ apiBase: '', auth: 'local' }));
    return true;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.slice('/dashboard/'.length));
  } catch {
    // A malformed percent-encoding is the client's mistake, as CloudFront answers it.
    response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request');
    return true;
  }
  const relative = normalize(decoded || 'index.html');
  const file = join(root, relative);
  if (!file.startsWith(root + sep) || !existsSync(file) || !contentTypes[extname(file)]) return false;
  response
    .writeHead(200, {
      'content-type': contentTypes[extname(file)]!,
      'cache-control': 'no-cache',
      'content-security-policy': dashboardContentSecurityPolicy(),
      'x-content-type-options': 'nosniff',
    })
    .end(readFileSync(file));
  return true;
};
