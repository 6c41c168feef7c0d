import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { dashboardContentSecurityPolicy, dashboardVendorFiles } from '../../contract/dashboard-csp.js';
import type { StaticHandler } from './server.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StaticApp {
  /** The path the app lives under, e.g. `/dashboard`. */
  readonly mount: string;
  readonly root: string;
  /** Files served from elsewhere (npm packages), by their path under the mount. */
  readonly files?: Readonly<Record<string, string>>;
  /** Paths without an extension that are pages of their own (`pay` → `pay.html`). */
  readonly pages?: readonly string[];
  /** A `config.json` written by the runtime rather than kept in the folder. */
  readonly config?: unknown;
}

const serveFile = (response: Parameters<StaticHandler>[1], file: string) =>
  response
    .writeHead(200, {
      'content-type': contentTypes[extname(file)]!,
      'cache-control': 'no-cache',
      'content-security-policy': dashboardContentSecurityPolicy(),
      'x-content-type-options': 'nosniff',
    })
    .end(readFileSync(file));

/**
 * Serves a static browser app from a folder as CloudFront serves the dashboard from S3 in AWS,
 * with the same Content-Security-Policy. Nothing outside the folder (and the listed files) is
 * reachable.
 */
export const serveStaticApp =
  (app: StaticApp): StaticHandler =>
  (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' || !(path === app.mount || path.startsWith(`${app.mount}/`))) return false;
    if (path === app.mount) {
      response.writeHead(301, { location: `${app.mount}/` }).end();
      return true;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(path.slice(app.mount.length + 1));
    } catch {
      // A malformed percent-encoding is the client's mistake, as CloudFront answers it.
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request');
      return true;
    }
    if (relative === 'config.json' && app.config !== undefined) {
      response.writeHead(200, { 'content-type': contentTypes['.json']! }).end(JSON.stringify(app.config));
      return true;
    }
    const listed = app.files?.[relative];
    if (listed) {
      if (!existsSync(listed)) return false;
      serveFile(response, listed);
      return true;
    }
    const name = app.pages?.includes(relative) ? `${relative}.html` : normalize(relative || 'index.html');
    const file = join(app.root, name);
    if (!file.startsWith(app.root + sep) || !existsSync(file) || !contentTypes[extname(file)]) return false;
    serveFile(response, file);
    return true;
  };

/** The first app that serves the request answers it. */
export const serveStaticApps =
  (...apps: StaticHandler[]): StaticHandler =>
  (request, response) =>
    apps.some((serve) => serve(request, response));

/**
 * The dashboard at `/dashboard/` with its browser libraries, and a `config.json` telling it the
 * API lives on the same origin and staff sign in locally (`POST /auth/login`), not with Cognito.
 */
export const serveDashboard = (root: string, nodeModules: string): StaticHandler =>
  serveStaticApp({
    mount: '/dashboard',
    root,
    files: Object.fromEntries(Object.entries(dashboardVendorFiles).map(([path, file]) => [path, join(nodeModules, file)])),
    config: { apiBase: '', auth: 'local' },
  });

/**
 * The demo storefront at `/demo/` (SPEC §10): public API calls only. `/demo/pay` is the pay page
 * pay links open, `/demo/track` the tracking view; the template helper is the dashboard's.
 */
export const serveDemoStorefront = (root: string, dashboardRoot: string): StaticHandler =>
  serveStaticApp({ mount: '/demo', root, pages: ['pay', 'track'], files: { 'html.js': join(dashboardRoot, 'html.js') } });
