import { redactUrlSecrets } from './redact-url-secrets';

describe('credentials in URLs stay out of traces', () => {
  it('hides an acknowledgement token, in a path or a full URL', () => {
    expect(redactUrlSecrets('/ack/eyJhbGciOi.abc_DEF-123')).toBe('/ack/[redacted]');
    expect(redactUrlSecrets('http://127.0.0.1:8083/ack/tok?x=1')).toBe(
      'http://127.0.0.1:8083/ack/[redacted]?x=1',
    );
  });
  it('hides a console sign-in link token, in a URL or a bare query', () => {
    const token = 'hbl_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';
    expect(redactUrlSecrets(`/auth/callback?token=${token}`)).toBe(
      '/auth/callback?token=[redacted]',
    );
    expect(redactUrlSecrets(`http://127.0.0.1:8084/auth/callback?x=1&token=${token}#top`)).toBe(
      'http://127.0.0.1:8084/auth/callback?x=1&token=[redacted]#top',
    );
    expect(redactUrlSecrets(`token=${token}`)).toBe('token=[redacted]');
    expect(redactUrlSecrets('/v1/alerts?mytoken=1')).toBe('/v1/alerts?mytoken=1');
  });
  it('hides the query of the console’s return from an identity provider', () => {
    expect(
      redactUrlSecrets('/auth/oidc/callback?code=abc123&state=xyz&iss=https%3A%2F%2Fid.example'),
    ).toBe('/auth/oidc/callback?[redacted]');
    expect(redactUrlSecrets('/auth/oidc/start')).toBe('/auth/oidc/start');
  });
  it('leaves other paths alone', () => {
    expect(redactUrlSecrets('/v1/alerts/123/acknowledgements')).toBe(
      '/v1/alerts/123/acknowledgements',
    );
  });
});
