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
