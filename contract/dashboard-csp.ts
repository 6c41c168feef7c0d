/**
 * The dashboard's Content-Security-Policy, one definition for CloudFront (AWS) and the twin.
 * The SPA loads only its own files and calls the API on its own origin. With Cognito sign-in
 * it also fetches tokens from the managed login domain (`signInOrigin`); the redirects to
 * that domain are navigations, which CSP does not restrict.
 */
export const dashboardContentSecurityPolicy = (signInOrigin?: string): string =>
  [
    "default-src 'self'",
    signInOrigin ? `connect-src 'self' ${signInOrigin}` : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * Browser libraries the dashboard loads from its own origin (no CDN): the file it requests,
 * relative to the dashboard, and where the npm package keeps it. The twin serves them from
 * node_modules; a deployment uploads them beside the dashboard's own files.
 */
export const dashboardVendorFiles = {
  'vendor/chart.umd.min.js': 'chart.js/dist/chart.umd.min.js',
  'vendor/oidc-client-ts.min.js': 'oidc-client-ts/dist/browser/oidc-client-ts.min.js',
} as const;
