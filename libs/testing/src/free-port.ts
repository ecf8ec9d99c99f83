import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Ports this process has handed out: a probe closes at once, so the same one could come twice. */
const handedOut = new Set<number>();

/**
 * The first port the OS uses as the source of outgoing connections (Linux reads it from
 * ip_local_port_range; elsewhere the IANA dynamic range starts at 49152).
 */
function outgoingPortsStart(): number {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    if (Number.isInteger(low) && low > 4096) return low;
  } catch {
    // Not Linux: the IANA range.
  }
  return 49152;
}

function listensOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/**
 * A loopback port nothing listens on right now, below the range the OS takes source ports of
 * outgoing connections from. A port the OS picks itself (listen on 0) comes from that range, and
 * between the probe and the service's own listen an outgoing connection — to Kafka, Postgres or
 * Redis — could take it as its source port (EADDRINUSE at start, seen once in CI).
 */
export async function freePort(): Promise<number> {
  const high = outgoingPortsStart() - 1;
  const low = Math.max(1025, high - 12_000);
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port)) continue;
    if (await listensOn(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free loopback port between ${low} and ${high} after 50 tries`);
}
