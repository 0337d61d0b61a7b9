import { describe, expect, it } from 'vitest';
import { closedForDeclines, judgeDecline, MAX_DECLINES } from './declines';

describe('when a declined card ends a Shopify checkout', () => {
  it('a lost, stolen, kept or expired card ends it at once', () => {
    for (const code of ['lost_card', 'stolen_card', 'pickup_card', 'fraudulent', 'expired_card']) {
      expect(judgeDecline(code, 1)).toMatchObject({ final: true, why: expect.stringContaining(code) });
    }
  });

  it('a decline a retry can fix leaves the shopper the rest of their tries, and the last one ends it', () => {
    expect(judgeDecline('insufficient_funds', 1)).toEqual({ final: false, left: MAX_DECLINES - 1 });
    expect(judgeDecline('incorrect_cvc', MAX_DECLINES - 1)).toEqual({ final: false, left: 1 });
    expect(judgeDecline(null, MAX_DECLINES - 1)).toEqual({ final: false, left: 1 });
    expect(judgeDecline('generic_decline', MAX_DECLINES)).toMatchObject({ final: true, why: expect.stringContaining('(last: generic_decline)') });
  });

  it('a bank debit refused by the bank ends it at once: the shopper left the page days ago', () => {
    expect(judgeDecline('insufficient_funds', 1, 'sepa_debit')).toMatchObject({ final: true, why: expect.stringContaining('bank refused the debit (insufficient_funds)') });
    expect(judgeDecline('insufficient_funds', 1, 'card')).toEqual({ final: false, left: MAX_DECLINES - 1 });
  });

  it('a session closed by its declines says why; one never declined, or still open to tries, does not', () => {
    expect(closedForDeclines({ declines: 0, lastDecline: null })).toBeNull();
    expect(closedForDeclines({ declines: 1, lastDecline: 'insufficient_funds' })).toBeNull();
    expect(closedForDeclines({ declines: 1, lastDecline: 'stolen_card' })).toMatch(/stolen_card/);
  });
});
