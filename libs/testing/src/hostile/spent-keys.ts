/**
 * The part of the identity store this needs (typed here: the platform library's own tests use
 * this library, so it cannot import the platform back).
 */
export interface KeyIssuer<R extends string> {
  issueApiKey(input: {
    organisationId: string;
    roles: R[];
    label: string;
    expiresAt?: Date;
  }): Promise<{ key: string; keyId: string }>;
  revokeApiKey(keyId: string): Promise<boolean>;
}

/** Keys an organisation once held: one past its expiry, one revoked. Both must get 401. */
export interface SpentKeys {
  expired: string;
  revoked: string;
}

export async function spentKeys<R extends string>(
  identity: KeyIssuer<R>,
  organisationId: string,
  roles: R[],
): Promise<SpentKeys> {
  const expired = await identity.issueApiKey({
    organisationId,
    roles,
    label: 'hostile-input expired',
    expiresAt: new Date(Date.now() - 60_000),
  });
  const revoked = await identity.issueApiKey({
    organisationId,
    roles,
    label: 'hostile-input revoked',
  });
  if (!(await identity.revokeApiKey(revoked.keyId))) throw new Error('could not revoke the key');
  return { expired: expired.key, revoked: revoked.key };
}
