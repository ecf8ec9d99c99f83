/**
 * An event about an alert this service has not recorded (yet): a released stage, a cancellation.
 * Thrown so the event consumer retries the event and, when retries run out, dead-letters it for a
 * replay once the alert is recorded. The message names the alert id only: never personal data.
 */
export class AlertNotYetKnownError extends Error {
  override readonly name = 'AlertNotYetKnownError';

  constructor(
    readonly alertId: string,
    /** What cannot be done without the alert, e.g. "its released stage cannot be delivered". */
    consequence = 'its released stage cannot be delivered',
  ) {
    super(`alert ${alertId} is not recorded (yet): ${consequence}`);
  }
}
