import { parseAgeGroups, parseDutyHours } from './cli-arguments';
import { CliError } from './cli-error';

describe('CLI arguments for the directory', () => {
  it('reads duty hours as days and a London-time window', () => {
    expect(parseDutyHours('Mon-Fri 09:00-17:30')).toEqual({
      days: [1, 2, 3, 4, 5],
      from: '09:00',
      to: '17:30',
    });
    expect(parseDutyHours('sat 10:00-14:00')).toEqual({ days: [6], from: '10:00', to: '14:00' });
    expect(parseDutyHours('Fri 20:00-08:00')).toEqual({ days: [5], from: '20:00', to: '08:00' });
  });

  it('refuses duty hours it cannot read, in one line', () => {
    for (const bad of [
      'weekdays',
      'Fri-Mon 09:00-17:00',
      'Mon-Fri 9:00-17:00',
      'Mon-Fri 09:00-24:00',
    ]) {
      expect(() => parseDutyHours(bad)).toThrow(CliError);
    }
  });

  it('takes child and adult age groups only, once each', () => {
    expect(parseAgeGroups(['child', 'child'])).toEqual(['child']);
    expect(() => parseAgeGroups(['teen'])).toThrow('age group "teen" must be child or adult');
  });
});
