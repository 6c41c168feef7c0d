import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizeUrl, codeChallenge, logoutUrl, randomToken, tokenRequest } from '../../dashboard/oauth.js';

const cognito = { domain: 'https://staff-1a2b3c4d.auth.eu-west-1.amazoncognito.com', clientId: 'client123' };
const redirectUri = 'https://d111.cloudfront.net/';

describe('dashboard sign-in helpers (code grant with PKCE)', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 unreserved characters, different every time, whose challenge is their hash', async () => {
    const verifiers = Array.from({ length: 20 }, () => randomToken());
    expect(new Set(verifiers).size).toBe(verifiers.length);
    for (const verifier of verifiers) {
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await codeChallenge(verifier)).toBe(createHash('sha256').update(verifier).digest('base64url'));
    }
  });

  it('asks managed login for a code bound to the challenge and state', () => {
    const url = new URL(authorizeUrl(cognito, { redirectUri, state: 'st4te', challenge: 'ch4llenge' }));
    expect(`${url.origin}${url.pathname}`).toBe(`${cognito.domain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state: 'st4te',
      code_challenge: 'ch4llenge',
      code_challenge_method: 'S256',
    });
  });

  it('trades the code with the verifier at the token endpoint, form-encoded', () => {
    const { url, init } = tokenRequest(cognito, { code: 'c0de', verifier: 'v3rifier', redirectUri });
    expect(url).toBe(`${cognito.domain}/oauth2/token`);
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(init.body)).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client123',
      code: 'c0de',
      redirect_uri: redirectUri,
      code_verifier: 'v3rifier',
    });
  });

  it('signs out of managed login and returns to the dashboard', () => {
    const url = new URL(logoutUrl(cognito, redirectUri));
    expect(`${url.origin}${url.pathname}`).toBe(`${cognito.domain}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'client123', logout_uri: redirectUri });
  });
});
