import { deliveryMessageId, deliveryRetryDelay, isPermanentRefusal } from './delivery';

describe('deliveryMessageId', () => {
  it('is the same for every attempt of one delivery, and differs between deliveries', () => {
    const id = '0b9f1c1e-3a55-4c0e-8f7a-2d8c4b6e9a10';
    expect(deliveryMessageId(id)).toBe(`<${id}@harbour.localhost>`);
    expect(deliveryMessageId(id)).toBe(deliveryMessageId(id));
    expect(deliveryMessageId(id)).not.toBe(
      deliveryMessageId('1b9f1c1e-3a55-4c0e-8f7a-2d8c4b6e9a10'),
    );
  });
});

describe('deliveryRetryDelay', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000 };

  it('doubles per failed attempt, between half and all of the ceiling', () => {
    expect(deliveryRetryDelay(1, policy, () => 0)).toBe(500);
    expect(deliveryRetryDelay(1, policy, () => 1)).toBe(1_000);
    expect(deliveryRetryDelay(3, policy, () => 0)).toBe(2_000);
    expect(deliveryRetryDelay(3, policy, () => 1)).toBe(4_000);
  });

  it('never waits longer than the cap', () => {
    expect(deliveryRetryDelay(7, policy, () => 1)).toBe(60_000);
    expect(deliveryRetryDelay(100, policy, () => 1)).toBe(60_000);
  });

  it('spreads retries that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => deliveryRetryDelay(4, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(4_000);
      expect(delay).toBeLessThanOrEqual(8_000);
    }
  });
});

describe('isPermanentRefusal', () => {
  it('gives up on a recipient the server rejects outright', () => {
    expect(isPermanentRefusal({ responseCode: 550, command: 'RCPT TO' })).toBe(true);
  });

  it('retries temporary refusals, connection trouble and refusals of other commands', () => {
    expect(isPermanentRefusal({ responseCode: 450, command: 'RCPT TO' })).toBe(false);
    expect(isPermanentRefusal({})).toBe(false);
    expect(isPermanentRefusal({ responseCode: 535, command: 'AUTH PLAIN' })).toBe(false);
    expect(isPermanentRefusal({ responseCode: 554, command: 'DATA' })).toBe(false);
  });
});

describe('deliveryMessageId for webhooks', () => {
  it('is msg_<delivery id>: stable, and free of the dots that separate signed fields', () => {
    const id = '0b9f1c1e-3a55-4c0e-8f7a-2d8c4b6e9a10';
    expect(deliveryMessageId(id, 'webhook')).toBe(`msg_${id}`);
    expect(deliveryMessageId(id, 'webhook')).not.toContain('.');
  });
});
