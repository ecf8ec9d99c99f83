/**
 * A send the receiving side did not accept. `permanent` means retrying cannot help (a webhook
 * answering 410, a mailbox the SMTP server says does not exist); otherwise the delivery is
 * retried with backoff. The message is payload-free: it goes to logs, rows and events.
 */
export class ChannelSendError extends Error {
  override readonly name = 'ChannelSendError';

  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Any error thrown by a channel, as a `ChannelSendError` (unknown errors are transient). */
export function asChannelSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ChannelSendError(text, false);
}
