import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { mayAct, type StaffGroup, staffGroups, type StaffMember } from '../core/admin/staff.js';
import { AppError } from '../core/errors.js';
import type { ApiMiddleware } from './api-handler.js';

/**
 * Staff authentication for the admin API (SPEC §5.2). API Gateway's Cognito authorizer checks
 * the token in AWS, and the handler verifies it again here, the same way in AWS (Cognito's
 * JWKS) and in the twin (the local issuer's JWKS): a forged token is refused even where
 * nothing in front of the handler checked it.
 */
export interface StaffTokenRules {
  /** `iss` of valid tokens: the Cognito user pool's provider URL, or the local issuer. */
  readonly issuer: string;
  /** `aud` of valid ID tokens: the dashboard's app client id. */
  readonly audience: string;
  /** Where signing keys come from: a JWKS (remote for Cognito, local for the twin). */
  readonly keys: JWTVerifyGetKey;
}

export type StaffAuthenticator = (authorizationHeader: string | undefined) => Promise<StaffMember>;

/** Cognito signs with RS256; so does the local issuer. Anything else (including `none`) is refused. */
export const staffTokenAlgorithms = ['RS256'];

/** The signing keys of a Cognito user pool, fetched from its JWKS and cached by `jose`. */
export const cognitoKeys = (issuer: string): JWTVerifyGetKey => createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));

const unauthorized = (message: string) => new AppError('unauthorized', message);

/** Failures that mean the token itself is bad; anything else (a JWKS outage) is a server error. */
const invalidToken = [
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWTClaimValidationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWKSNoMatchingKey,
];

/**
 * Group names from the `cognito:groups` claim: an array in the JWT itself, a comma-separated
 * string (sometimes in brackets) where a REST authorizer has flattened the claims.
 */
export const groupsFromClaim = (claim: unknown): StaffGroup[] => {
  const names = Array.isArray(claim) ? claim.map(String) : typeof claim === 'string' ? claim.replace(/^\[|\]$/g, '').split(/[\s,]+/) : [];
  return staffGroups.filter((group) => names.includes(group));
};

export const createStaffAuthenticator =
  (rules: StaffTokenRules): StaffAuthenticator =>
  async (authorizationHeader) => {
    const token = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)\s*$/i.exec(authorizationHeader ?? '')?.[1];
    if (!token) throw unauthorized('Sign in and send the token as "Authorization: Bearer <token>".');
    try {
      const { payload } = await jwtVerify(token, rules.keys, {
        issuer: rules.issuer,
        audience: rules.audience,
        algorithms: staffTokenAlgorithms,
        requiredClaims: ['sub', 'exp', 'cognito:username'],
      });
      // Only ID tokens carry the user's name and groups with the dashboard client as audience.
      if (payload.token_use !== 'id') throw unauthorized('Send the ID token of your sign-in.');
      return { sub: String(payload.sub), username: String(payload['cognito:username']), groups: groupsFromClaim(payload['cognito:groups']) };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthorized('Your session has expired; sign in again.');
      if (invalidToken.some((type) => error instanceof type)) throw unauthorized('The token is not valid; sign in again.');
      throw error;
    }
  };

const authorizationHeader = (event: APIGatewayProxyEvent) => Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];

/**
 * Middleware for the staff APIs: every non-public route needs a valid token (401) from a
 * member of a group the route admits (403: `staff` routes admit admins and CSRs, `admin`
 * routes admins only). Runs before the body is read, so nothing is validated for strangers;
 * the member signed in travels on in the request context.
 */
export const requireStaff = (authenticate: StaffAuthenticator): ApiMiddleware => ({
  before: async (request) => {
    const route = request.context.route;
    if (!route || route.auth === 'public') return;
    const member = await authenticate(authorizationHeader(request.event));
    request.context.staff = member;
    if (!mayAct(member, route.auth)) {
      throw new AppError('forbidden', route.auth === 'admin' ? 'Only admins may do this.' : 'Your account has no staff role.');
    }
  },
});
