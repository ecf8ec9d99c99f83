import { describeSmtpFailure } from './smtp-failure';

function smtpError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('describeSmtpFailure', () => {
  it('says what the server refused, without the recipient address it echoed', () => {
    const failure = describeSmtpFailure(
      smtpError(
        "Can't send mail - all recipients were rejected: 550 5.1.1 <mpu.camden@demo.harbour.localhost>: no such user",
        {
          code: 'EENVELOPE',
          responseCode: 550,
          command: 'RCPT TO',
        },
      ),
    );
    expect(failure.text).toContain('EENVELOPE 550 on RCPT TO');
    expect(failure.text).toContain('no such user');
    expect(failure.text).not.toContain('mpu.camden');
    expect(failure.permanent).toBe(true);
  });

  it('treats a connection failure as worth retrying', () => {
    const failure = describeSmtpFailure(
      smtpError('connect ECONNREFUSED 127.0.0.1:1025', { code: 'ESOCKET' }),
    );
    expect(failure).toEqual({
      text: 'ESOCKET: connect ECONNREFUSED 127.0.0.1:1025',
      permanent: false,
    });
  });

  it('copes with something that is not an Error', () => {
    expect(describeSmtpFailure('boom')).toEqual({
      text: 'non-error thrown: string',
      permanent: false,
    });
  });
});
