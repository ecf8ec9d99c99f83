import { ConfigError, generateDataEncryptionKey } from '@harbour/platform';
import { loadSafeguardingConfig } from '../config';
import { operationSettingsOf } from '../safeguarding-runtime';

const env = (extra: Record<string, string> = {}) => ({
  DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
  ...extra,
});

describe('operation settings from configuration', () => {
  it('defaults: 24 h pre-brief notice, release 120 min before start to police and immigration, 72 h watch', () => {
    const config = loadSafeguardingConfig(env());
    expect(operationSettingsOf(config)).toEqual({
      prebriefMinHours: 24,
      releaseLeadMinutes: 120,
      displacementWatchHours: 72,
      vettedKinds: ['police_borough', 'police_specialist', 'immigration'],
    });
    expect(config.OPERATION_TIMER_POLL_MS).toBe(1000);
  });

  it('reads overrides', () => {
    const config = loadSafeguardingConfig(
      env({
        OPERATION_PREBRIEF_MIN_HOURS: '48',
        OPERATION_RELEASE_LEAD_MINUTES: '30',
        OPERATION_VETTED_KINDS: 'police_specialist',
        OPERATION_DISPLACEMENT_WATCH_HOURS: '24',
        OPERATION_TIMER_POLL_MS: '250',
      }),
    );
    expect(operationSettingsOf(config)).toEqual({
      prebriefMinHours: 48,
      releaseLeadMinutes: 30,
      displacementWatchHours: 24,
      vettedKinds: ['police_specialist'],
    });
    expect(config.OPERATION_TIMER_POLL_MS).toBe(250);
  });

  it('refuses to start with an unknown vetted kind or a negative lead, naming each', () => {
    let error: unknown;
    try {
      loadSafeguardingConfig(
        env({
          OPERATION_VETTED_KINDS: 'police_borough,journalist',
          OPERATION_RELEASE_LEAD_MINUTES: '-5',
        }),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => [i.variable, i.reason])).toEqual([
      ['OPERATION_RELEASE_LEAD_MINUTES', 'must be 0 or more'],
      ['OPERATION_VETTED_KINDS', 'journalist is not an organisation kind'],
    ]);
  });
});
