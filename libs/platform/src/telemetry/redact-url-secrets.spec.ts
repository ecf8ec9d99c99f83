import { redactUrlSecrets } from './redact-url-secrets';

describe('credentials in URLs stay out of traces', () => {
  it('hides an acknowledgement token, in a path or a full URL', () => {
    expect(redactUrlSecrets('/ack/eyJhbGciOi.abc_DEF-123')).toBe('/ack/[redacted]');
    expect(redactUrlSecrets('http://127.0.0.1:8083/ack/tok?x=1')).toBe(
      'http://127.0.0.1:8083/ack/[redacted]?x=1',
    );
  });
  it('leaves other paths alone', () => {
    expect(redactUrlSecrets('/v1/alerts/123/acknowledgements')).toBe(
      '/v1/alerts/123/acknowledgements',
    );
  });
});
