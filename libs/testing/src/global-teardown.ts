import type { StartedTestContainer } from 'testcontainers';

interface Started {
  containers: StartedTestContainer[];
  stop: (() => Promise<void>)[];
}

/** Stops whatever global-setup started (maildev, containers). */
export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __harbourInfra?: Started }).__harbourInfra;
  if (!started) return;
  await Promise.all(started.stop.map((stop) => stop()));
  await Promise.all(started.containers.map((c) => c.stop()));
}
