/*
 * The floor's consumer, run as its own process by the bench: the bare pipeline Harbour is
 * compared with. It reads the floor topic and, for each message, sends as many e-mails as the
 * matching Harbour event would cause, through nodemailer's pool (the size notification uses by
 * default) to the same SMTP sink. No database, no queue, no rules: the cost of Kafka and SMTP
 * alone on this machine.
 *
 * Settings (env, given by the bench): FLOOR_BROKERS, FLOOR_TOPIC, FLOOR_GROUP, FLOOR_SMTP_PORT.
 */
import { createKafka } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import { createTransport } from 'nodemailer';

/** What the bench produces per floor event. */
export interface FloorMessage {
  id: string;
  recipients: number;
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const topic = required('FLOOR_TOPIC');
  const kafka = createKafka({
    brokers: required('FLOOR_BROKERS').split(','),
    clientId: 'bench-floor',
    logger: createLogger({ service: 'bench-floor', level: 'warn' }),
    logLevel: 'error',
  });
  const mail = createTransport({
    host: '127.0.0.1',
    port: Number(required('FLOOR_SMTP_PORT')),
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 5,
  });
  const consumer = kafka.consumer({ groupId: required('FLOOR_GROUP') });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ message }) => {
      const floor = JSON.parse(message.value?.toString('utf8') ?? '{}') as FloorMessage;
      await Promise.all(
        Array.from({ length: floor.recipients }, (_, i) =>
          mail.sendMail({
            from: 'Floor <floor@bench.localhost>',
            to: `floor-${i}@bench.localhost`,
            subject: `Floor ${floor.id}`,
            text: `Floor event ${floor.id}, recipient ${i}.`,
            messageId: `<floor-${floor.id}-${i}@bench.localhost>`,
          }),
        ),
      );
    },
  });
  await joined;
  process.stdout.write('floor consumer ready\n');
  const stop = () => {
    void consumer.disconnect().finally(() => {
      mail.close();
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
