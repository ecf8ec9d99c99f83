import { deadLetterHeaders, withoutDlqHeaders } from './dead-letter-headers';

describe('dead-letter headers', () => {
  const context = {
    reason: 'handler-failed' as const,
    error: 'Error: downstream unavailable',
    sourceTopic: 'harbour.intake.referral.v1',
    sourcePartition: 2,
    sourceOffset: '41',
    consumer: 'safeguarding',
    failedAt: new Date('2025-03-01T10:00:00.000Z'),
  };

  it('keeps the original headers and adds the annotations', () => {
    const headers = deadLetterHeaders({ ce_id: Buffer.from('e1'), traceparent: 'tp' }, context);
    expect(headers).toEqual({
      ce_id: Buffer.from('e1'),
      traceparent: 'tp',
      'harbour-dlq-reason': 'handler-failed',
      'harbour-dlq-error': 'Error: downstream unavailable',
      'harbour-dlq-source-topic': 'harbour.intake.referral.v1',
      'harbour-dlq-source-partition': '2',
      'harbour-dlq-source-offset': '41',
      'harbour-dlq-consumer': 'safeguarding',
      'harbour-dlq-failed-at': '2025-03-01T10:00:00.000Z',
    });
  });

  it('replaces the annotations of an earlier dead-lettering instead of repeating them', () => {
    const again = deadLetterHeaders(deadLetterHeaders({ ce_id: 'e1' }, context), {
      ...context,
      sourceOffset: '99',
    });
    expect(again['harbour-dlq-source-offset']).toBe('99');
    expect(withoutDlqHeaders(again)).toEqual({ ce_id: 'e1' });
  });

  it('keeps the error text short', () => {
    const headers = deadLetterHeaders(undefined, { ...context, error: 'x'.repeat(5_000) });
    expect(String(headers['harbour-dlq-error']).length).toBeLessThanOrEqual(500);
  });
});
