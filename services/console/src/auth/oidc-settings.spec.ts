import { ConfigError } from '@harbour/platform';
import { loadConsoleConfig } from '../config';
import { oidcSettingsOf } from './oidc-settings';

const BASE = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  IDENTITY_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
  CONSOLE_PUBLIC_URL: 'https://console.harbour.example',
};
const PROVIDER = {
  CONSOLE_OIDC_ISSUER: 'https://login.example/realms/harbour',
  CONSOLE_OIDC_CLIENT_ID: 'harbour-console',
  CONSOLE_OIDC_CLIENT_SECRET: 'not-a-real-secret',
};

/** The start-up error's lines, one per problem, naming the variable. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConsoleConfig({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.issues.map((issue) => `${issue.variable}: ${issue.reason}`);
    }
    throw error;
  }
  return [];
}

describe('the console’s OpenID Connect settings', () => {
  it('are absent unless an issuer is set, and e-mailed links stay on by default', () => {
    const config = loadConsoleConfig(BASE);
    expect(oidcSettingsOf(config)).toBeUndefined();
    expect(config.CONSOLE_EMAIL_SIGN_IN).toBe(true);
  });

  it('take the redirect URL from the public URL, and the scopes and name from their defaults', () => {
    expect(oidcSettingsOf(loadConsoleConfig({ ...BASE, ...PROVIDER }))).toEqual({
      issuer: new URL('https://login.example/realms/harbour'),
      clientId: 'harbour-console',
      clientSecret: 'not-a-real-secret',
      redirectUrl: new URL('https://console.harbour.example/auth/oidc/callback'),
      scopes: ['openid', 'email'],
      providerName: 'single sign-on',
      verifiedEmailClaims: ['email_verified'],
      insecureLoopback: false,
    });
  });

  it('trust Entra ID’s xms_edov for the address only when told to, and no unknown claim', () => {
    expect(
      oidcSettingsOf(
        loadConsoleConfig({
          ...BASE,
          ...PROVIDER,
          CONSOLE_OIDC_VERIFIED_EMAIL_CLAIMS: 'email_verified,xms_edov',
        }),
      )?.verifiedEmailClaims,
    ).toEqual(['email_verified', 'xms_edov']);
    expect(
      problems({ ...PROVIDER, CONSOLE_OIDC_VERIFIED_EMAIL_CLAIMS: 'email_verified,upn' }),
    ).toEqual([
      'CONSOLE_OIDC_VERIFIED_EMAIL_CLAIMS: names upn, which is not one of email_verified, xms_edov',
    ]);
  });

  it('name every variable that is missing, inconsistent or unsafe, and never echo the secret', () => {
    expect(
      problems({ CONSOLE_OIDC_CLIENT_ID: 'x', CONSOLE_OIDC_CLIENT_SECRET: 's3cret-value' }),
    ).toEqual([
      'CONSOLE_OIDC_CLIENT_ID: is set but CONSOLE_OIDC_ISSUER is not',
      'CONSOLE_OIDC_CLIENT_SECRET: is set but CONSOLE_OIDC_ISSUER is not',
    ]);
    expect(problems({ CONSOLE_OIDC_ISSUER: 'https://login.example' })).toEqual([
      'CONSOLE_OIDC_CLIENT_ID: is missing (CONSOLE_OIDC_ISSUER is set)',
      'CONSOLE_OIDC_CLIENT_SECRET: is missing (CONSOLE_OIDC_ISSUER is set)',
    ]);
    expect(problems({ ...PROVIDER, CONSOLE_OIDC_ISSUER: 'http://login.example' })).toEqual([
      'CONSOLE_OIDC_ISSUER: is not https (plain http is allowed only on 127.0.0.1)',
    ]);
    expect(
      problems({
        ...PROVIDER,
        CONSOLE_OIDC_REDIRECT_URL: 'https://elsewhere.example/auth/oidc/callback',
      }),
    ).toEqual([
      "CONSOLE_OIDC_REDIRECT_URL: is not CONSOLE_PUBLIC_URL's origin followed by /auth/oidc/callback",
    ]);
    expect(problems({ ...PROVIDER, CONSOLE_OIDC_SCOPES: 'openid,profile' })).toEqual([
      'CONSOLE_OIDC_SCOPES: does not include email',
    ]);
    expect(problems({ CONSOLE_EMAIL_SIGN_IN: 'off' })).toEqual([
      'CONSOLE_EMAIL_SIGN_IN: is off and no identity provider is configured, so nobody could sign in',
    ]);
    let message = '';
    try {
      loadConsoleConfig({ ...BASE, CONSOLE_OIDC_CLIENT_SECRET: 's3cret-value' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('CONSOLE_OIDC_CLIENT_SECRET');
    expect(message).not.toContain('s3cret-value');
  });

  it('allow plain http for a provider on this machine only, and accept links off with a provider', () => {
    const config = loadConsoleConfig({
      ...BASE,
      ...PROVIDER,
      CONSOLE_OIDC_ISSUER: 'http://127.0.0.1:9400',
      CONSOLE_OIDC_PROVIDER_NAME: 'Keycloak',
      CONSOLE_OIDC_SCOPES: 'openid, email, profile',
      CONSOLE_EMAIL_SIGN_IN: 'false',
    });
    expect(oidcSettingsOf(config)).toMatchObject({
      insecureLoopback: true,
      providerName: 'Keycloak',
      scopes: ['openid', 'email', 'profile'],
    });
  });
});
