import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, type JWTVerifyGetKey, SignJWT } from 'jose';
import * as z from 'zod';
import type { StaffGroup } from '../core/admin/staff.js';
import { AppError } from '../core/errors.js';
import type { AuditTrail, Clock } from '../core/ports.js';
import { type ContractsFor, createApiHandler } from '../http/api-handler.js';
import { staffTokenAlgorithms, type StaffTokenRules } from '../http/auth.js';
import { logger } from '../http/logger.js';

/**
 * The twin's stand-in for the Cognito user pool (SPEC §5.3): users `admin` and `csr`, ID
 * tokens with Cognito's claims (`sub`, `cognito:username`, `cognito:groups`, `token_use`,
 * `aud`, `exp`) signed RS256 by a local key, and that key published as a JWKS, which the
 * staff APIs verify exactly as they verify Cognito's.
 *
 * Passwords come from LOCAL_ADMIN_PASSWORD / LOCAL_CSR_PASSWORD, else are generated once and
 * shown once; only their scrypt hashes are kept (with the signing key, owner-readable, under
 * the data directory; in memory mode nothing is written).
 */
const localUsers: readonly { readonly username: string; readonly groups: readonly StaffGroup[]; readonly passwordVariable: string }[] = [
  { username: 'admin', groups: ['admin'], passwordVariable: 'LOCAL_ADMIN_PASSWORD' },
  { username: 'csr', groups: ['csr'], passwordVariable: 'LOCAL_CSR_PASSWORD' },
];

export const localAudience = 'local-dashboard';
/** Tokens live an hour, like Cognito's default ID token; a client may ask for less. */
export const maxTokenSeconds = 3600;

export interface LocalLogin {
  readonly username: string;
  /** Set only when generated in this run: it is shown once, then only its hash exists. */
  readonly generatedPassword: string | null;
  readonly source: 'environment' | 'generated' | 'stored';
}

interface PasswordHash {
  readonly salt: string;
  readonly hash: string;
}

interface StoredUser {
  readonly sub: string;
  readonly password?: PasswordHash;
}

const hashPassword = (password: string, salt = randomBytes(16).toString('base64url')): PasswordHash => ({
  salt,
  hash: scryptSync(password, salt, 32).toString('base64url'),
});

const passwordMatches = (password: string, expected: PasswordHash) =>
  timingSafeEqual(Buffer.from(hashPassword(password, expected.salt).hash), Buffer.from(expected.hash));

/** Compared against when the user name is unknown, so both failures take the same time. */
const decoyHash = hashPassword(randomBytes(16).toString('base64url'));

const readJson = <T>(file: string | null): T | null => (file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null);
const writePrivate = (file: string | null, value: unknown) => {
  if (file) writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
};

const loadSigningKey = async (file: string | null): Promise<JWK> => {
  const stored = readJson<JWK>(file);
  if (stored) return stored;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  writePrivate(file, jwk);
  return jwk;
};

export interface LocalIssuer {
  readonly rules: StaffTokenRules;
  readonly logins: readonly LocalLogin[];
  /** An ID token for the user, or null when the name or password is wrong. */
  signIn(username: string, password: string, expiresInSeconds: number): Promise<string | null>;
}

export const createLocalIssuer = async (options: {
  readonly dataDir: string | null;
  readonly issuer: string;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<LocalIssuer> => {
  const env = options.env ?? process.env;
  const file = (name: string) => (options.dataDir ? join(options.dataDir, name) : null);
  const signingJwk = await loadSigningKey(file('staff-signing-key.json'));
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = signingJwk;
  const privateKey = await importJWK(signingJwk, 'RS256');

  const usersFile = file('staff-users.json');
  const stored = readJson<Record<string, StoredUser>>(usersFile) ?? {};
  const logins: LocalLogin[] = [];
  const users = new Map<string, { sub: string; groups: readonly StaffGroup[]; password: PasswordHash }>();
  for (const user of localUsers) {
    const sub = stored[user.username]?.sub ?? randomUUID();
    const fromEnvironment = env[user.passwordVariable];
    const kept = stored[user.username]?.password;
    const generated = fromEnvironment || kept ? null : randomBytes(12).toString('base64url');
    const password = fromEnvironment ? hashPassword(fromEnvironment) : (kept ?? hashPassword(generated!));
    users.set(user.username, { sub, groups: user.groups, password });
    // A password from the environment is never written down.
    stored[user.username] = { sub, ...(fromEnvironment ? {} : { password }) };
    logins.push({ username: user.username, generatedPassword: generated, source: fromEnvironment ? 'environment' : generated ? 'generated' : 'stored' });
  }
  writePrivate(usersFile, stored);

  const rules: StaffTokenRules = {
    issuer: options.issuer,
    audience: localAudience,
    keys: createLocalJWKSet({ keys: [publicJwk] }) as JWTVerifyGetKey,
  };

  return {
    rules,
    logins,
    async signIn(username, password, expiresInSeconds) {
      const user = users.get(username);
      if (!passwordMatches(password, user?.password ?? decoyHash) || !user) return null;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ 'cognito:username': username, 'cognito:groups': [...user.groups], token_use: 'id' })
        .setProtectedHeader({ alg: staffTokenAlgorithms[0]!, kid: publicJwk.kid!, typ: 'JWT' })
        .setSubject(user.sub)
        .setIssuer(rules.issuer)
        .setAudience(rules.audience)
        .setIssuedAt(now)
        .setExpirationTime(now + expiresInSeconds)
        .sign(privateKey);
    },
  };
};

const loginSchema = z
  .object({
    username: z.string().min(1).max(128),
    password: z.string().min(1).max(1024),
    /** Local only: a shorter-lived token, e.g. to try how the dashboard handles expiry. */
    expiresIn: z.number().int().min(1).max(maxTokenSeconds).default(maxTokenSeconds),
  })
  .strict();

const localContract = { login: { body: loginSchema } } as const satisfies ContractsFor<'local'>;

/**
 * `POST /auth/login` (twin only). Every attempt is in the audit trail: the user name only
 * when it is one of the local users (whatever else was typed is not kept), and the outcome.
 */
export const createLocalAuthHandler = (issuer: LocalIssuer, deps: { readonly audit: AuditTrail; readonly clock: Clock }) =>
  createApiHandler('local', localContract, {
    login: async (request) => {
      const { username, password, expiresIn } = request.body;
      const token = await issuer.signIn(username, password, expiresIn);
      const known = localUsers.some((user) => user.username === username);
      await deps.audit
        .record({
          at: deps.clock.now().toISOString(),
          actor: known ? username : 'unknown',
          action: 'login',
          outcome: token ? 'succeeded' : 'unauthorized',
          requestId: request.requestId,
        })
        .catch((error: unknown) => logger.error('audit trail write failed', { action: 'login', error: error instanceof Error ? error.name : 'unknown' }));
      if (!token) throw new AppError('unauthorized', 'The user name or password is wrong.');
      return { status: 200, body: { token, expiresIn } };
    },
  });
