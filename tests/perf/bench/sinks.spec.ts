import { messageIdOf } from './sinks';

describe('messageIdOf', () => {
  it('reads the Message-ID header without its angle brackets, in any case', () => {
    const raw = 'From: a@b\r\nmessage-ID: <0f8fad5b@harbour.localhost>\r\nSubject: x\r\n\r\nbody';
    expect(messageIdOf(raw)).toBe('0f8fad5b@harbour.localhost');
  });

  it('reads a folded header and ignores the body', () => {
    expect(messageIdOf('Subject: x\nMessage-ID:\n <id@host>\n\nMessage-ID: <body@host>')).toBe(
      'id@host',
    );
    expect(messageIdOf('Subject: x\n\nMessage-ID: <body@host>')).toBeNull();
  });
});
