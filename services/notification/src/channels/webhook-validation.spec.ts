import { generateWebhookSecret, webhookSecretProblem } from './webhook-secret';
import { webhookUrlProblem } from './webhook-url';

describe('webhookUrlProblem', () => {
  it('accepts https URLs, and plain http only for this machine', () => {
    expect(webhookUrlProblem('https://partner.example/harbour/alerts?tenant=7')).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook')).toBeNull();
    expect(webhookUrlProblem('http://localhost/hook')).toBeNull();
  });

  it('rejects what is not a URL', () => {
    expect(webhookUrlProblem('partner.example/hook')).toBe('"partner.example/hook" is not a URL');
    expect(webhookUrlProblem('')).toMatch(/is not a URL/);
  });

  it('rejects plain http to anywhere else, and other schemes', () => {
    expect(webhookUrlProblem('http://partner.example/hook')).toBe(
      'the webhook URL must use https (plain http only for 127.0.0.1 or localhost)',
    );
    // A host that merely starts with a loopback name is not loopback.
    expect(webhookUrlProblem('http://localhost.partner.example/hook')).toMatch(/must use https/);
    expect(webhookUrlProblem('http://127.0.0.1.nip.io/hook')).toMatch(/must use https/);
    expect(webhookUrlProblem('ftp://partner.example/hook')).toBe(
      'the webhook URL must be an https URL, not ftp',
    );
  });

  it('rejects credentials in the URL', () => {
    expect(webhookUrlProblem('https://user:pass@partner.example/hook')).toMatch(
      /must not contain a user name or password/,
    );
    expect(webhookUrlProblem('https://token@partner.example/hook')).toMatch(/user name/);
  });
});

describe('webhook secrets', () => {
  it('generates whsec_ secrets of 32 random bytes that pass validation', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSecretProblem(secret)).toBeNull();
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('rejects malformed secrets without echoing them', () => {
    const cases: [string, RegExp][] = [
      ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /must start with "whsec_"/],
      ['whsec_', /followed by standard base64/],
      ['whsec_not base64!!', /followed by standard base64/],
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZI', /24 to 64 bytes \(it has 18\)/],
      [`whsec_${Buffer.alloc(65, 1).toString('base64')}`, /24 to 64 bytes \(it has 65\)/],
    ];
    for (const [secret, problem] of cases) {
      const message = webhookSecretProblem(secret);
      expect(message).toMatch(problem);
      if (secret.length > 'whsec_'.length) {
        expect(message).not.toContain(secret.slice('whsec_'.length));
      }
    }
  });
});
