// Sign-in through Cognito's managed login: the OAuth 2.0 authorization code grant with PKCE
// (RFC 7636, S256). A browser cannot keep a client secret; the verifier, kept in this tab only,
// is what proves that the code coming back was asked for here. `cognito` is config.json's
// `{ domain: 'https://<prefix>.auth.<region>.amazoncognito.com', clientId }`.

const base64Url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A random URL-safe string; 32 bytes make a 43-character PKCE verifier. */
export const randomToken = (bytes = 32) => base64Url(crypto.getRandomValues(new Uint8Array(bytes)));

/** The S256 code challenge of a verifier: BASE64URL(SHA-256(verifier)). */
export const codeChallenge = async (verifier) =>
  base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));

/** Where to send the browser to sign in; managed login returns to `redirectUri` with `code` and `state`. */
export const authorizeUrl = (cognito, { redirectUri, state, challenge }) =>
  `${cognito.domain}/oauth2/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: cognito.clientId,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })}`;

/** The request that trades the returned code, with the verifier, for tokens. */
export const tokenRequest = (cognito, { code, verifier, redirectUri }) => ({
  url: `${cognito.domain}/oauth2/token`,
  init: {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: cognito.clientId, code, redirect_uri: redirectUri, code_verifier: verifier }),
  },
});

/** Ends the managed login session too, then returns to `redirectUri`. */
export const logoutUrl = (cognito, redirectUri) => `${cognito.domain}/logout?${new URLSearchParams({ client_id: cognito.clientId, logout_uri: redirectUri })}`;
