import { describe, expect, it } from 'vitest';
import { outcomeOf } from './src/pay/outcome';

const redirect = (url: string) => ({ type: 'redirect_to_url', redirect_to_url: { url, return_url: 'http://127.0.0.1/pay/pay_x' } });

describe('what an intent means for the shopper', () => {
  it('paid when succeeded or authorized for a later capture', () => {
    expect(outcomeOf({ id: 'pi_1', status: 'succeeded' })).toEqual({ kind: 'paid' });
    expect(outcomeOf({ id: 'pi_1', status: 'requires_capture' })).toEqual({ kind: 'paid' });
  });

  it('3-D Secure: off to the bank, but only to an http(s) address', () => {
    expect(outcomeOf({ id: 'pi_1', status: 'requires_action', next_action: redirect('http://127.0.0.1:9/_sandbox/3ds/pi_1') })).toEqual({
      kind: 'authenticate', url: 'http://127.0.0.1:9/_sandbox/3ds/pi_1',
    });
    expect(outcomeOf({ id: 'pi_1', status: 'requires_action', next_action: redirect('javascript:alert(1)') }).kind).toBe('failed');
    expect(outcomeOf({ id: 'pi_1', status: 'requires_action', next_action: { type: 'use_stripe_sdk' } }).kind).toBe('failed');
  });

  it('back from the bank: a failed check is explained in the shopper’s words', () => {
    const failed = outcomeOf({ id: 'pi_1', status: 'requires_payment_method', last_payment_error: { type: 'invalid_request_error', code: 'payment_intent_authentication_failure', message: 'The provided PaymentMethod has failed authentication.' } }, true);
    expect(failed).toEqual({ kind: 'failed', message: 'We couldn’t verify this payment with your bank, so nothing was charged. Try again, or use another card.' });
    expect(outcomeOf({ id: 'pi_1', status: 'requires_action', next_action: redirect('http://127.0.0.1/x') }, true)).toMatchObject({ kind: 'failed', message: expect.stringContaining('wasn’t finished') });
  });
});
