import { randomUUID } from 'node:crypto';
import {
  type AcknowledgementClaims,
  signAcknowledgementToken,
  type TokenVerdict,
  verifyAcknowledgementToken,
} from '../domain/acknowledgement-token';

export interface AcknowledgementLinksOptions {
  /** HMAC-SHA256 key (`NOTIFICATION_ACK_SECRET`). */
  secret: string;
  /** Where partners reach this service (`NOTIFICATION_PUBLIC_URL`); may carry a path prefix. */
  publicUrl: string;
  /** How long a link outlives the alert's acknowledge-by time (`NOTIFICATION_ACK_GRACE_MINUTES`). */
  graceMinutes: number;
  now?: () => Date;
}

/** One delivery's link; give the alert's acknowledge-by (grace is added) or the exact expiry. */
export type AcknowledgeLinkRequest = {
  alertId: string;
  organisationId: string;
  deliveryId: string;
} & ({ acknowledgeBy: Date } | { expiresAt: Date });

/**
 * Signed, expiring, single-use acknowledgement links. Every call makes a new link (new token
 * id); whichever link of a delivery is used first counts, the rest still work until the
 * organisation has acknowledged.
 */
export class AcknowledgementLinks {
  private readonly base: string;
  private readonly now: () => Date;

  constructor(private readonly options: AcknowledgementLinksOptions) {
    this.base = options.publicUrl.replace(/\/+$/, '');
    this.now = options.now ?? (() => new Date());
  }

  /** The URL to put in a message: `<public url>/ack/<token>`. Synchronous, no I/O. */
  acknowledgeUrlFor(request: AcknowledgeLinkRequest): string {
    return `${this.base}/ack/${this.tokenFor(request)}`;
  }

  tokenFor(request: AcknowledgeLinkRequest): string {
    const expiresAt =
      'expiresAt' in request ? request.expiresAt : this.expiryFor(request.acknowledgeBy);
    const claims: AcknowledgementClaims = {
      alertId: request.alertId,
      organisationId: request.organisationId,
      deliveryId: request.deliveryId,
      tokenId: randomUUID(),
      expiresAt,
    };
    return signAcknowledgementToken(claims, this.options.secret);
  }

  /**
   * When a link for an alert due at `acknowledgeBy` stops working: the grace after the deadline,
   * or after now if that is later. The link is also the way to the details its e-mail leaves
   * out, and a later stage (an operation's address near its start) can be released long after
   * the alert's deadline: its link must work when it arrives.
   */
  expiryFor(acknowledgeBy: Date): Date {
    const from = Math.max(acknowledgeBy.getTime(), this.now().getTime());
    return new Date(from + this.options.graceMinutes * 60_000);
  }

  verify(token: string): TokenVerdict {
    return verifyAcknowledgementToken(token, this.options.secret, this.now());
  }
}
