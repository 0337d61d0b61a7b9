import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWooSignature, wooChange } from './webhooks';

const sign = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('base64');

describe('WooCommerce webhook signatures', () => {
  const body = Buffer.from('{"id":7,"date_modified_gmt":"2026-11-30T10:00:00"}');

  it('accepts base64 HMAC-SHA256 of the raw body with the webhook secret', () => {
    expect(verifyWooSignature(body, sign(body.toString(), 's3cret'), 's3cret')).toBe(true);
  });

  it('refuses another secret, another body, a hex digest, or no signature', () => {
    expect(verifyWooSignature(body, sign(body.toString(), 'other'), 's3cret')).toBe(false);
    expect(verifyWooSignature(Buffer.from(`${body.toString()} `), sign(body.toString(), 's3cret'), 's3cret')).toBe(false);
    expect(verifyWooSignature(body, createHmac('sha256', 's3cret').update(body).digest('hex'), 's3cret')).toBe(false);
    expect(verifyWooSignature(body, undefined, 's3cret')).toBe(false);
  });
});

describe('a delivery as a store change', () => {
  it('is keyed by resource, id and modification time (a deletion by id alone)', () => {
    expect(wooChange('order.updated', Buffer.from('{"id":7,"date_modified_gmt":"2026-11-30T10:00:00","status":"processing"}')))
      .toMatchObject({ resource: 'order', resourceId: 7, modifiedAt: '2026-11-30T10:00:00', topic: 'order.updated' });
    expect(wooChange('order.deleted', Buffer.from('{"id":7}'))).toMatchObject({ resource: 'order', resourceId: 7, modifiedAt: 'deleted' });
  });

  it('is nothing for other topics, bad JSON, a missing id or a missing modification time', () => {
    expect(wooChange('coupon.updated', Buffer.from('{"id":7,"date_modified_gmt":"x"}'))).toBeUndefined();
    expect(wooChange(undefined, Buffer.from('{"id":7,"date_modified_gmt":"x"}'))).toBeUndefined();
    expect(wooChange('order.updated', Buffer.from('{"id":'))).toBeUndefined();
    expect(wooChange('order.updated', Buffer.from('{"id":"7","date_modified_gmt":"x"}'))).toBeUndefined();
    expect(wooChange('order.updated', Buffer.from('{"id":7}'))).toBeUndefined();
    expect(wooChange('order.updated', Buffer.from('null'))).toBeUndefined();
  });
});
