import * as oidc from 'openid-client';
import type { OidcSettings } from './oidc-settings';
import { OIDC_TRANSACTION_MINUTES, type OidcTransaction } from './oidc-transaction';

/** Why a return from the provider signs nobody in; logged, never shown (the page is the same). */
export type OidcRefusal =
  | 'no-transaction'
  | 'provider-unreachable'
  | 'provider-error'
  | 'response-rejected'
  | 'no-email'
  | 'email-unverified';

export type OidcOutcome =
  { kind: 'verified'; email: string } | { kind: 'refused'; reason: OidcRefusal; code?: string };

/** How long one call to the provider may take. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/**
 * The authorization-code flow with PKCE, `state` and `nonce` against one OpenID Connect provider
 * (ADR-37), by `openid-client`: it checks the provider's metadata names the configured issuer,
 * the answer's `state` (and `iss`, where the provider sends it), then redeems the code with the
 * client secret and the code verifier and verifies the ID token (signature by the provider's
 * published keys, issuer, audience, expiry, nonce). The e-mail address comes from the ID token
 * or, when the provider keeps it for the userinfo endpoint, from there for the same subject;
 * only an address the provider says is verified is returned.
 */
export class OidcSignIn {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(readonly settings: OidcSettings) {}

  /** The provider's metadata and keys, fetched on first use and kept; fetched again after a failure. */
  private discover(): Promise<oidc.Configuration> {
    if (this.configuration === undefined) {
      const { issuer, clientId, clientSecret, insecureLoopback } = this.settings;
      const pending = oidc.discovery(
        issuer,
        clientId,
        undefined,
        oidc.ClientSecretPost(clientSecret),
        {
          timeout: PROVIDER_TIMEOUT_SECONDS,
          // Plain http only for a provider on this machine (the settings refuse any other).
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out
          ...(insecureLoopback ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      );
      this.configuration = pending;
      pending.catch(() => {
        if (this.configuration === pending) this.configuration = undefined;
      });
    }
    return this.configuration;
  }

  /** Where to send the person, and what to remember until they return. */
  async start(now: Date = new Date()): Promise<{ url: URL; transaction: OidcTransaction }> {
    const configuration = await this.discover();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const transaction: OidcTransaction = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier,
      expiresAt: now.getTime() + OIDC_TRANSACTION_MINUTES * 60_000,
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUrl.href,
      scope: this.settings.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
    });
    return { url, transaction };
  }

  /**
   * The provider's answer, as the query string it sent the browser back with, checked against
   * the transaction this browser started.
   */
  async finish(query: string, transaction: OidcTransaction | undefined): Promise<OidcOutcome> {
    if (transaction === undefined) return { kind: 'refused', reason: 'no-transaction' };
    let configuration: oidc.Configuration;
    try {
      configuration = await this.discover();
    } catch {
      return { kind: 'refused', reason: 'provider-unreachable' };
    }
    // The registered redirect URL with the answer's parameters: never the request's own Host.
    const callback = new URL(this.settings.redirectUrl);
    callback.search = query;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (claims === undefined) return { kind: 'refused', reason: 'response-rejected' };
      // Both facts from one source: the ID token if it names the address, else userinfo.
      const source: Readonly<Record<string, unknown>> =
        typeof claims.email === 'string'
          ? claims
          : await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      if (typeof source.email !== 'string' || source.email === '') {
        return { kind: 'refused', reason: 'no-email' };
      }
      // Vouched for by a claim the configuration trusts (email_verified, or Entra ID's xms_edov).
      if (!this.settings.verifiedEmailClaims.some((claim) => source[claim] === true)) {
        return { kind: 'refused', reason: 'email-unverified' };
      }
      return { kind: 'verified', email: source.email };
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError) {
        // The provider said no (the person cancelled, or it refused the client).
        return { kind: 'refused', reason: 'provider-error', code: error.error };
      }
      if (error instanceof oidc.ResponseBodyError) {
        return { kind: 'refused', reason: 'provider-error', code: error.error };
      }
      const code = (error as { code?: unknown }).code;
      return {
        kind: 'refused',
        reason: 'response-rejected',
        ...(typeof code === 'string' ? { code } : {}),
      };
    }
  }
}
