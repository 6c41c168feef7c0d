import { createLocalJWKSet, errors, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { mayAct } from '../../functions/core/admin/staff.js';
import { AppError } from '../../functions/core/errors.js';
import { createStaffAuthenticator, groupsFromClaim } from '../../functions/http/auth.js';
import { createLocalIssuer } from '../../functions/local/auth.js';

const issuerUrl = 'http://127.0.0.1:1/auth';
const localIssuer = await createLocalIssuer({ dataDir: null, issuer: issuerUrl, env: { LOCAL_ADMIN_PASSWORD: 'a-secret', LOCAL_CSR_PASSWORD: 'c-secret' } });
const authenticate = createStaffAuthenticator(localIssuer.rules);

const refusal = async (header: string | undefined) => {
  const error = await authenticate(header).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
};

describe('groupsFromClaim', () => {
  it.each([
    [['admin'], ['admin']],
    [
      ['csr', 'admin', 'other'],
      ['admin', 'csr'],
    ],
    ['admin,csr', ['admin', 'csr']],
    ['[csr, admin]', ['admin', 'csr']],
    ['csr', ['csr']],
    ['administrators', []],
    [undefined, []],
    [42, []],
  ])('reads %j as %j', (claim, groups) => {
    expect(groupsFromClaim(claim)).toEqual(groups);
  });
});

describe('mayAct', () => {
  const member = (groups: ('admin' | 'csr')[]) => ({ sub: 's', username: 'u', groups });
  it('admits admins everywhere, CSRs to staff routes only, and nobody without a group', () => {
    expect([mayAct(member(['admin']), 'admin'), mayAct(member(['admin']), 'staff')]).toEqual([true, true]);
    expect([mayAct(member(['csr']), 'admin'), mayAct(member(['csr']), 'staff')]).toEqual([false, true]);
    expect([mayAct(member([]), 'admin'), mayAct(member([]), 'staff')]).toEqual([false, false]);
  });
});

describe('staff authenticator with the local issuer', () => {
  it('accepts a signed-in user and reads name, sub and groups from the verified token', async () => {
    const token = await localIssuer.signIn('csr', 'c-secret', 60);
    const member = await authenticate(`Bearer ${token}`);
    expect(member).toEqual({ sub: expect.any(String), username: 'csr', groups: ['csr'] });
    expect(await localIssuer.signIn('csr', 'wrong', 60)).toBeNull();
    expect(await localIssuer.signIn('root', 'c-secret', 60)).toBeNull();
  });

  it('refuses a token from another issuer, and one with the right claims signed by another key', async () => {
    const otherIssuer = await createLocalIssuer({
      dataDir: null,
      issuer: 'http://elsewhere/auth',
      env: { LOCAL_ADMIN_PASSWORD: 'x', LOCAL_CSR_PASSWORD: 'y' },
    });
    expect(await refusal(`Bearer ${await otherIssuer.signIn('admin', 'x', 60)}`)).toBe('unauthorized');
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ 'cognito:username': 'admin', 'cognito:groups': ['admin'], token_use: 'id' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('s')
      .setIssuer(issuerUrl)
      .setAudience('local-dashboard')
      .setExpirationTime('1m')
      .sign(privateKey);
    expect(await refusal(`Bearer ${forged}`)).toBe('unauthorized');
    expect(await refusal(undefined)).toBe('unauthorized');
    expect(await refusal('Bearer')).toBe('unauthorized');
  });

  it('checks the claims of a correctly signed token: audience, issuer, token use, user name, algorithm', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const ec = await generateKeyPair('ES256', { extractable: true });
    const keys = createLocalJWKSet({
      keys: [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec' },
      ],
    });
    const check = createStaffAuthenticator({ issuer: 'https://cognito-idp.example/pool', audience: 'dashboard-client', keys });
    const sign = (claims: Record<string, unknown>, alg: 'RS256' | 'ES256' = 'RS256') =>
      new SignJWT({
        sub: 'user-1',
        iss: 'https://cognito-idp.example/pool',
        aud: 'dashboard-client',
        'cognito:username': 'ann',
        'cognito:groups': ['csr'],
        token_use: 'id',
        ...claims,
      })
        .setProtectedHeader({ alg, kid: alg === 'RS256' ? 'rsa' : 'ec' })
        .setExpirationTime('1m')
        .sign(alg === 'RS256' ? rsa.privateKey : ec.privateKey);
    const codeOf = (token: string) =>
      check(`Bearer ${token}`).then(
        () => 'accepted',
        (error: AppError) => error.code,
      );

    expect(await check(`Bearer ${await sign({})}`)).toEqual({ sub: 'user-1', username: 'ann', groups: ['csr'] });
    expect(await codeOf(await sign({ aud: 'another-client' }))).toBe('unauthorized');
    expect(await codeOf(await sign({ iss: 'https://cognito-idp.example/other-pool' }))).toBe('unauthorized');
    expect(await codeOf(await sign({ token_use: 'access' }))).toBe('unauthorized');
    expect(await codeOf(await sign({ 'cognito:username': undefined }))).toBe('unauthorized');
    expect(await codeOf(await sign({}, 'ES256'))).toBe('unauthorized');
  });

  it('tells an expired token apart in its message', async () => {
    const token = await localIssuer.signIn('admin', 'a-secret', 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const error = await authenticate(`Bearer ${token}`).catch((caught: AppError) => caught);
    expect(error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/expired/) });
  });

  it('treats an unreachable JWKS as a server error, not as a bad token', async () => {
    const token = await localIssuer.signIn('admin', 'a-secret', 60);
    const unreachable = createStaffAuthenticator({
      ...localIssuer.rules,
      keys: async () => {
        throw new errors.JWKSTimeout();
      },
    });
    await expect(unreachable(`Bearer ${token}`)).rejects.toBeInstanceOf(errors.JWKSTimeout);
  });
});
