import { type Config, type ConfigIssue, defineConfig } from '@harbour/platform';

/** The path of the console that receives the identity provider's answer. */
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
/** The path that sends a person to the identity provider. */
export const OIDC_START_PATH = '/auth/oidc/start';

/**
 * Sign-in through an OpenID Connect provider (ADR-37), instead of or beside e-mailed links.
 * Unset issuer: no provider. The console is a confidential client using the authorization-code
 * flow with PKCE; register it with the provider with the redirect URL below.
 */
export const oidcConfig = defineConfig({
  CONSOLE_OIDC_ISSUER: {
    kind: 'url',
    optional: true,
    description:
      "The identity provider's issuer URL, exactly as its /.well-known/openid-configuration names it (e.g. https://login.microsoftonline.com/<tenant id>/v2.0 or https://keycloak.example/realms/<realm>); unset, there is no sign-in through a provider.",
  },
  CONSOLE_OIDC_CLIENT_ID: {
    kind: 'string',
    optional: true,
    description: "The console's client id at the identity provider.",
  },
  CONSOLE_OIDC_CLIENT_SECRET: {
    kind: 'string',
    optional: true,
    sensitive: true,
    description: "The console's client secret at the identity provider.",
  },
  CONSOLE_OIDC_REDIRECT_URL: {
    kind: 'url',
    optional: true,
    description: `Where the provider sends people back, as registered with it: CONSOLE_PUBLIC_URL's origin and ${OIDC_CALLBACK_PATH} (the default).`,
  },
  CONSOLE_OIDC_SCOPES: {
    kind: 'list',
    default: 'openid,email',
    description:
      'Scopes asked of the provider, comma-separated; openid and email are needed (the e-mail address finds the person).',
  },
  CONSOLE_OIDC_VERIFIED_EMAIL_CLAIMS: {
    kind: 'list',
    default: 'email_verified',
    description:
      "Claims any one of which, when true, says the provider vouches for the address: email_verified (OpenID Connect's own), and for Microsoft Entra ID, which sends none for work accounts, xms_edov (the tenant owns the address's domain; add it and email as optional claims of the app registration). Comma-separated.",
  },
  CONSOLE_OIDC_PROVIDER_NAME: {
    kind: 'string',
    default: 'single sign-on',
    description: 'Shown on the sign-in page as "Sign in with <name>" (e.g. Microsoft, Keycloak).',
  },
});

type OidcConfig = Config<typeof oidcConfig> & {
  readonly CONSOLE_PUBLIC_URL: string;
  readonly CONSOLE_EMAIL_SIGN_IN: boolean;
};

/** What the console needs to talk to the provider; absent when none is configured. */
export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  redirectUrl: URL;
  scopes: string[];
  providerName: string;
  /** Claims any one of which, when `true`, makes the address verified. */
  verifiedEmailClaims: VerifiedEmailClaim[];
  /** Plain http, allowed only for a provider on this machine (development and tests). */
  insecureLoopback: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The claims that may vouch for an address: OpenID Connect's, and Entra ID's domain owner flag. */
const VERIFIED_EMAIL_CLAIMS = ['email_verified', 'xms_edov'] as const;
export type VerifiedEmailClaim = (typeof VERIFIED_EMAIL_CLAIMS)[number];
const isVerifiedEmailClaim = (claim: string): claim is VerifiedEmailClaim =>
  (VERIFIED_EMAIL_CLAIMS as readonly string[]).includes(claim);

/** Why the OpenID Connect variables cannot be used together, one issue per variable. */
export function oidcConfigIssues(config: OidcConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const issue = (variable: string, reason: string) => {
    const spec = (oidcConfig as Record<string, { description: string } | undefined>)[variable];
    issues.push({ variable, reason, description: spec?.description ?? '' });
  };
  const issuer = config.CONSOLE_OIDC_ISSUER;
  if (issuer === undefined) {
    for (const variable of [
      'CONSOLE_OIDC_CLIENT_ID',
      'CONSOLE_OIDC_CLIENT_SECRET',
      'CONSOLE_OIDC_REDIRECT_URL',
    ] as const) {
      if (config[variable] !== undefined) issue(variable, 'is set but CONSOLE_OIDC_ISSUER is not');
    }
    if (!config.CONSOLE_EMAIL_SIGN_IN) {
      issues.push({
        variable: 'CONSOLE_EMAIL_SIGN_IN',
        reason: 'is off and no identity provider is configured, so nobody could sign in',
        description: 'set CONSOLE_OIDC_ISSUER (and its client id and secret) or leave this on',
      });
    }
    return issues;
  }
  const issuerUrl = new URL(issuer);
  if (
    issuerUrl.protocol !== 'https:' &&
    !(issuerUrl.protocol === 'http:' && LOOPBACK_HOSTS.has(issuerUrl.hostname))
  ) {
    issue('CONSOLE_OIDC_ISSUER', 'is not https (plain http is allowed only on 127.0.0.1)');
  }
  if (issuerUrl.search !== '' || issuerUrl.hash !== '') {
    issue('CONSOLE_OIDC_ISSUER', 'has a query or fragment, which an issuer never has');
  }
  if ((config.CONSOLE_OIDC_CLIENT_ID ?? '').trim() === '') {
    issue('CONSOLE_OIDC_CLIENT_ID', 'is missing (CONSOLE_OIDC_ISSUER is set)');
  }
  if ((config.CONSOLE_OIDC_CLIENT_SECRET ?? '') === '') {
    issue('CONSOLE_OIDC_CLIENT_SECRET', 'is missing (CONSOLE_OIDC_ISSUER is set)');
  }
  if (config.CONSOLE_OIDC_REDIRECT_URL !== undefined) {
    const redirect = new URL(config.CONSOLE_OIDC_REDIRECT_URL);
    if (
      redirect.origin !== new URL(config.CONSOLE_PUBLIC_URL).origin ||
      redirect.pathname !== OIDC_CALLBACK_PATH ||
      redirect.search !== '' ||
      redirect.hash !== ''
    ) {
      issue(
        'CONSOLE_OIDC_REDIRECT_URL',
        `is not CONSOLE_PUBLIC_URL's origin followed by ${OIDC_CALLBACK_PATH}`,
      );
    }
  }
  for (const needed of ['openid', 'email']) {
    if (!config.CONSOLE_OIDC_SCOPES.includes(needed)) {
      issue('CONSOLE_OIDC_SCOPES', `does not include ${needed}`);
    }
  }
  const claims = config.CONSOLE_OIDC_VERIFIED_EMAIL_CLAIMS;
  if (claims.length === 0) {
    issue('CONSOLE_OIDC_VERIFIED_EMAIL_CLAIMS', 'names no claim, so no address could be verified');
  }
  for (const claim of claims.filter((c) => !isVerifiedEmailClaim(c))) {
    issue(
      'CONSOLE_OIDC_VERIFIED_EMAIL_CLAIMS',
      `names ${claim}, which is not one of ${VERIFIED_EMAIL_CLAIMS.join(', ')}`,
    );
  }
  if (config.CONSOLE_OIDC_SCOPES.some((scope) => /\s/.test(scope))) {
    issue('CONSOLE_OIDC_SCOPES', 'has a scope with a space in it (separate scopes with commas)');
  }
  return issues;
}

/** The provider's settings from a configuration `oidcConfigIssues` found nothing wrong with. */
export function oidcSettingsOf(config: OidcConfig): OidcSettings | undefined {
  const issuer = config.CONSOLE_OIDC_ISSUER;
  if (issuer === undefined) return undefined;
  const issuerUrl = new URL(issuer);
  return {
    issuer: issuerUrl,
    clientId: (config.CONSOLE_OIDC_CLIENT_ID ?? '').trim(),
    clientSecret: config.CONSOLE_OIDC_CLIENT_SECRET ?? '',
    redirectUrl: new URL(
      config.CONSOLE_OIDC_REDIRECT_URL ?? new URL(OIDC_CALLBACK_PATH, config.CONSOLE_PUBLIC_URL),
    ),
    scopes: [...new Set(config.CONSOLE_OIDC_SCOPES)],
    providerName: config.CONSOLE_OIDC_PROVIDER_NAME.trim() || 'single sign-on',
    verifiedEmailClaims: [...new Set(config.CONSOLE_OIDC_VERIFIED_EMAIL_CLAIMS)].filter(
      isVerifiedEmailClaim,
    ),
    insecureLoopback: issuerUrl.protocol === 'http:',
  };
}
