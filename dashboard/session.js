// Who is signed in. In the twin staff sign in with a password (`POST /auth/login`); in AWS
// through Cognito's managed login with oidc-client-ts (authorization code + PKCE, the tokens'
// expiry, sign-out at the sign-in domain). Either way the admin API gets the ID token.

const claimsOf = (token) => JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
const expired = (token) => claimsOf(token).exp * 1000 <= Date.now();

/** The page's address without query or fragment: the callback and sign-out URL the app client allows. */
const returnUrl = () => new URL('.', location.href).href;

let manager = null;

/** Cognito's endpoints, given rather than discovered (the managed login domain serves no discovery document). */
const userManager = (cognito) =>
  new globalThis.oidc.UserManager({
    authority: cognito.domain,
    client_id: cognito.clientId,
    redirect_uri: returnUrl(),
    response_type: 'code',
    scope: 'openid email profile',
    metadata: {
      issuer: cognito.domain,
      authorization_endpoint: `${cognito.domain}/oauth2/authorize`,
      token_endpoint: `${cognito.domain}/oauth2/token`,
      end_session_endpoint: `${cognito.domain}/logout`,
    },
    userStore: new globalThis.oidc.WebStorageStateStore({ store: sessionStorage }),
    // Renew with the refresh token shortly before the tokens expire (a token request, no page).
    automaticSilentRenew: true,
  });

export const session = {
  get hosted() {
    return manager !== null;
  },

  /** Sets the sign-in up; back from managed login (`?code=&state=`), trades the code for tokens first. */
  async start(config) {
    if (config.auth !== 'cognito') return;
    manager = userManager(config.cognito);
    const params = new URLSearchParams(location.search);
    if (!params.has('code') && !params.has('error')) return;
    try {
      const user = await manager.signinCallback();
      // The code leaves the address bar; the view the user was on (say a linked order) comes back.
      history.replaceState(null, '', returnUrl() + (user?.state?.hash ?? ''));
    } catch (error) {
      history.replaceState(null, '', returnUrl());
      throw new Error(`Sign-in failed (${error.message}); sign in again.`);
    }
  },

  async token() {
    if (manager) {
      const user = await manager.getUser();
      return user && !user.expired ? user.id_token : null;
    }
    const token = sessionStorage.getItem('token');
    return token && !expired(token) ? token : null;
  },

  /** `{name, groups}` of the signed-in member, or null. */
  async member() {
    const token = await this.token();
    if (!token) return null;
    const claims = claimsOf(token);
    const groups = claims['cognito:groups'];
    return {
      name: claims['cognito:username'],
      groups: Array.isArray(groups)
        ? groups
        : String(groups ?? '')
            .split(',')
            .filter(Boolean),
    };
  },

  signIn: () => manager.signinRedirect({ state: { hash: location.hash } }),

  saveLocal(token) {
    sessionStorage.setItem('token', token);
  },

  async clear() {
    if (manager) await manager.removeUser();
    sessionStorage.clear();
  },

  async signOut() {
    if (!manager) return this.clear();
    const user = await manager.getUser();
    sessionStorage.clear();
    // Cognito's logout endpoint wants the client and returns to `logout_uri`; it ends the managed login session too.
    await manager.signoutRedirect({ id_token_hint: user?.id_token, client_id: manager.settings.client_id, extraQueryParams: { logout_uri: returnUrl() } });
  },
};
