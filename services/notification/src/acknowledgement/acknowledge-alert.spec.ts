import { randomUUID } from 'node:crypto';
import { createLogger } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { AcknowledgeAlert } from './acknowledge-alert';
import { AcknowledgementLinks } from './acknowledgement-links';
import type { AcknowledgementRepository } from './acknowledgement-repository';

/** Any use of it fails the test: the path under test must not reach the database. */
const untouchable = new Proxy(
  {},
  {
    get: (_target, key) => {
      throw new Error(`the database was used (${String(key)})`);
    },
  },
);

describe('AcknowledgeAlert on the public link routes', () => {
  const links = new AcknowledgementLinks({
    secret: 'a'.repeat(48),
    publicUrl: 'http://127.0.0.1:8083',
    graceMinutes: 60,
  });
  const acknowledge = new AcknowledgeAlert({
    // Stand-ins that fail the test when used: GET hands the manager on without using it.
    /* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
    dataSource: { manager: untouchable } as DataSource,
    repository: untouchable as AcknowledgementRepository,
    /* eslint-enable @typescript-eslint/no-unsafe-class-instance-assignment */
    links,
    outbox: untouchable as never,
    relay: untouchable as never,
    logger: createLogger({ service: 'ack-unit', level: 'silent' }),
  });

  it('refuses forged and malformed tokens on their signature alone, before any database work', async () => {
    const genuine = links.tokenFor({
      alertId: randomUUID(),
      organisationId: randomUUID(),
      deliveryId: randomUUID(),
      acknowledgeBy: new Date(Date.now() + 3_600_000),
    });
    const [payload = ''] = genuine.split('.');
    for (const token of [`${payload}.${'A'.repeat(43)}`, 'not-a-token', '', `${genuine}x`]) {
      await expect(acknowledge.acknowledgeByLink(token, 'a reply')).resolves.toEqual({
        kind: 'invalid',
      });
      await expect(acknowledge.inspectLink(token)).resolves.toEqual({ kind: 'invalid' });
    }
  });
});
