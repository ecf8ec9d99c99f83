// `npm run test:faults`: compiles services, libs and tests/faults into .run/faults-build (its own
// tree, so a rebuild of dist/ by `npm start` or another test run cannot pull files from under a
// service the suite is restarting), then runs the fault-injection suite (tests/faults).
import { buildAndRun } from './own-build.mjs';

buildAndRun({
  name: 'faults',
  out: '.run/faults-build',
  tree: 'tests/faults',
  entry: 'tests/faults/run-faults.js',
  // kafkajs (the poison scenario's producer) sets negative timeouts; Node warns, harmlessly.
  nodeFlags: ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning'],
});
