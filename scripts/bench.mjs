// `npm run bench`: compiles services, libs and tests/perf/bench into .run/bench-build (its own
// tree, so a rebuild of dist/ cannot remove files from under the services or the floor while the
// benchmark runs), then runs the benchmark (tests/perf/bench).
import { buildAndRun } from './own-build.mjs';

buildAndRun({
  name: 'bench',
  out: '.run/bench-build',
  tree: 'tests/perf/bench',
  entry: 'tests/perf/bench/bench.js',
  // kafkajs sets negative timeouts; Node warns, harmlessly.
  nodeFlags: ['--disable-warning=TimeoutNegativeWarning'],
});
