import { ConfigError, generateDataEncryptionKey } from '@harbour/platform';
import { loadAccommodationConfig } from './config';

const base = { DATA_ENCRYPTION_KEY: generateDataEncryptionKey() };

describe('accommodation config', () => {
  it('defaults: fan-out 3, holds 30 / 240 / 1440 minutes, stale after 24 h, poll every second', () => {
    const config = loadAccommodationConfig(base);
    expect(config.ACCOMMODATION_OFFER_FANOUT).toBe(3);
    expect(config.holdMinutes).toEqual({ tonight: 30, within_days: 240, planned: 1440 });
    expect(config.ACCOMMODATION_STALE_AFTER_HOURS).toBe(24);
    expect(config.ACCOMMODATION_TIMER_POLL_MS).toBe(1000);
  });

  it('takes fractions of a minute for short holds', () => {
    const config = loadAccommodationConfig({ ...base, ACCOMMODATION_HOLD_MINUTES_TONIGHT: '0.05' });
    expect(config.holdMinutes.tonight).toBe(0.05);
  });

  it('refuses a bad key or key list, a hold that is not a positive number and a fan-out of 0', () => {
    for (const env of [
      { DATA_ENCRYPTION_KEY: 'short' },
      { ...base, ACCOMMODATION_HOLD_MINUTES_PLANNED: '0' },
      { ...base, ACCOMMODATION_HOLD_MINUTES_WITHIN_DAYS: 'soon' },
      { ...base, ACCOMMODATION_OFFER_FANOUT: '0' },
      // A retired key equal to the current one, and retired keys without the blind-index key.
      {
        ...base,
        DATA_ENCRYPTION_RETIRED_KEYS: base.DATA_ENCRYPTION_KEY,
        DATA_INDEX_KEY: base.DATA_ENCRYPTION_KEY,
      },
      { ...base, DATA_ENCRYPTION_RETIRED_KEYS: generateDataEncryptionKey() },
    ]) {
      expect(() => loadAccommodationConfig(env)).toThrow(ConfigError);
    }
  });
});
