import { asChannelSendError, ChannelSendError } from './channel-send-error';
import { createEmailChannel } from './email-channel';

describe('asChannelSendError', () => {
  it('keeps a channel error, and treats anything else as transient', () => {
    const permanent = new ChannelSendError('HTTP 410', true);
    expect(asChannelSendError(permanent)).toBe(permanent);
    expect(asChannelSendError(new RangeError('boom'))).toMatchObject({
      permanent: false,
      message: 'RangeError: boom',
    });
  });
});

describe('email channel', () => {
  it('classifies SMTP refusals: connection trouble is transient', async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const channel = createEmailChannel({
      url: 'smtp://127.0.0.1:9',
      from: 'a@b.example',
      maxConnections: 1,
    });
    try {
      await expect(
        channel.send({
          channel: 'email',
          deliveryId: 'd',
          messageId: '<d@harbour.localhost>',
          address: 'x@y.example',
          content: { subject: 's', text: 't', html: '<p>t</p>' },
        }),
      ).rejects.toMatchObject({
        name: 'ChannelSendError',
        permanent: false,
        message: expect.stringMatching(/ECONNREFUSED/) as unknown,
      });
    } finally {
      channel.close();
    }
  });
});
