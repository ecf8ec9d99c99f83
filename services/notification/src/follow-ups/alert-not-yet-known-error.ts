/**
 * A stage was released for an alert this service has not recorded (yet). Thrown so the event
 * consumer retries the event and, when retries run out, dead-letters it for a replay once the
 * alert is recorded. The message names the alert id only: never personal data.
 */
export class AlertNotYetKnownError extends Error {
  override readonly name = 'AlertNotYetKnownError';

  constructor(readonly alertId: string) {
    super(`alert ${alertId} is not recorded (yet): its released stage cannot be delivered`);
  }
}
