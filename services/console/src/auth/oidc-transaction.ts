import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { SessionCookie } from './session-cookie';

/**
 * What the console must remember between sending a person to the identity provider and their
 * return: the `state` that binds the answer to this browser, the `nonce` the ID token must carry
 * and the PKCE code verifier. It travels in a short-lived cookie, encrypted and authenticated
 * (AES-256-GCM under a key derived from the identity data key), so any console instance can
 * finish a flow another started, nothing is stored per attempt, and nobody can read or forge it.
 */
export interface OidcTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Epoch milliseconds: a flow not finished by then is refused. */
  expiresAt: number;
}

/** Long enough to sign in at the provider (perhaps with a second factor), short if it leaks. */
export const OIDC_TRANSACTION_MINUTES = 10;

const KEY_INFO = 'harbour console oidc transaction v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class OidcTransactionCookie {
  private readonly key: Buffer;
  /** `__Host-` over https, like the session cookie. */
  readonly name: string;
  private readonly secure: boolean;

  constructor(identityDataKey: string, session: SessionCookie) {
    this.key = Buffer.from(
      hkdfSync('sha256', Buffer.from(identityDataKey, 'base64'), Buffer.alloc(0), KEY_INFO, 32),
    );
    this.secure = session.secure;
    this.name = session.secure ? '__Host-harbour_oidc' : 'harbour_oidc';
  }

  /**
   * `SameSite=Lax`, not `Strict`: the provider's redirect back is a top-level navigation from
   * another site, which a Strict cookie would not be sent with. It opens nothing by itself.
   */
  private attributes(): string {
    return `Path=/; HttpOnly; SameSite=Lax${this.secure ? '; Secure' : ''}`;
  }

  set(response: Response, transaction: OidcTransaction): void {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(this.name));
    const sealed = Buffer.concat([
      iv,
      cipher.update(JSON.stringify(transaction), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    response.append(
      'Set-Cookie',
      `${this.name}=${sealed.toString('base64url')}; ${this.attributes()}; Max-Age=${OIDC_TRANSACTION_MINUTES * 60}`,
    );
  }

  clear(response: Response): void {
    response.append('Set-Cookie', `${this.name}=; ${this.attributes()}; Max-Age=0`);
  }

  /** The browser's unexpired transaction, or undefined if it has none or it was tampered with. */
  read(request: Request, now: Date = new Date()): OidcTransaction | undefined {
    const value = cookieValue(request, this.name);
    if (value === undefined || value.length > 2048) return undefined;
    const sealed = Buffer.from(value, 'base64url');
    if (sealed.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.key,
        sealed.subarray(0, IV_BYTES),
        // Node accepts shorter tags unless told the length: insist on the full 16 bytes.
        { authTagLength: TAG_BYTES },
      );
      decipher.setAAD(Buffer.from(this.name));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      const parsed = JSON.parse(plain) as Partial<OidcTransaction>;
      if (
        typeof parsed.state !== 'string' ||
        typeof parsed.nonce !== 'string' ||
        typeof parsed.codeVerifier !== 'string' ||
        typeof parsed.expiresAt !== 'number' ||
        parsed.expiresAt <= now.getTime()
      ) {
        return undefined;
      }
      return {
        state: parsed.state,
        nonce: parsed.nonce,
        codeVerifier: parsed.codeVerifier,
        expiresAt: parsed.expiresAt,
      };
    } catch {
      return undefined;
    }
  }
}

function cookieValue(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) {
      const value = part.slice(separator + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}
