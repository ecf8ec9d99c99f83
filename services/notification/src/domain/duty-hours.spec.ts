import { contactsToAlert, withinDutyHours } from './duty-hours';

const office = { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:30' };

describe('duty hours (London time)', () => {
  it('reads the time in London, GMT in winter and BST in summer', () => {
    expect(withinDutyHours(office, new Date('2026-01-14T09:00:00Z'))).toBe(true); // Wed 09:00 GMT
    expect(withinDutyHours(office, new Date('2026-01-14T08:59:00Z'))).toBe(false);
    expect(withinDutyHours(office, new Date('2026-07-15T08:30:00Z'))).toBe(true); // Wed 09:30 BST
    expect(withinDutyHours(office, new Date('2026-07-15T16:30:00Z'))).toBe(false); // 17:30 BST
  });

  it('knows weekends, and overnight shifts that start the day before', () => {
    expect(withinDutyHours(office, new Date('2026-01-17T12:00:00Z'))).toBe(false); // Saturday
    const nights = { days: [5], from: '20:00', to: '08:00' }; // Friday night
    expect(withinDutyHours(nights, new Date('2026-01-16T21:00:00Z'))).toBe(true); // Fri 21:00
    expect(withinDutyHours(nights, new Date('2026-01-17T07:00:00Z'))).toBe(true); // Sat 07:00
    expect(withinDutyHours(nights, new Date('2026-01-17T21:00:00Z'))).toBe(false); // Sat 21:00
  });
});

describe('which contacts an alert goes to', () => {
  const desk = { id: 'desk', outOfHours: false };
  const onCall = { id: 'on-call', outOfHours: true };
  const weekday = new Date('2026-01-14T11:00:00Z');
  const night = new Date('2026-01-14T23:00:00Z');

  it('in duty hours: the ordinary contacts only', () => {
    expect(contactsToAlert([desk, onCall], office, weekday)).toEqual([desk]);
  });
  it('out of hours: the on-call contact as well', () => {
    expect(contactsToAlert([desk, onCall], office, night)).toEqual([desk, onCall]);
  });
  it('no duty hours recorded: ordinary contacts; only on-call contacts: those', () => {
    expect(contactsToAlert([desk, onCall], null, night)).toEqual([desk]);
    expect(contactsToAlert([onCall], office, weekday)).toEqual([onCall]);
  });
});
