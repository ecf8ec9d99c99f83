import { ALERT_STATES, type AlertState, isLive, mayClose, maySupersede } from './alert-state';

describe('what an alert may still do, by state', () => {
  it.each<[AlertState, { live: boolean; close: boolean; supersede: boolean }]>([
    ['open', { live: true, close: true, supersede: true }],
    ['acknowledged', { live: true, close: true, supersede: true }],
    // Found after a regrade: the superseded alert is closed too.
    ['superseded', { live: false, close: true, supersede: false }],
    // Closed is final: a second cancellation changes nothing.
    ['closed', { live: false, close: false, supersede: false }],
  ])('%s', (state, expected) => {
    expect({ live: isLive(state), close: mayClose(state), supersede: maySupersede(state) }).toEqual(
      expected,
    );
  });

  it('lists exactly the states the REST API shows', () => {
    expect([...ALERT_STATES].sort()).toEqual(['acknowledged', 'closed', 'open', 'superseded']);
  });
});
