import got from 'got';
import ky from 'ky';

const SHIPPING_URL = process.env.SHIPPING_URL ?? 'http://shipping.internal';

// ✅ got instance with a request timeout: calls through it are fine.
const shipping = got.extend({ prefixUrl: SHIPPING_URL, timeout: { request: 3_000 }, retry: { limit: 2 } });

export async function quote(postcode: string, grams: number): Promise<number> {
  const body = await shipping.post('quotes', { json: { postcode, grams } }).json<{ cents: number }>();
  return body.cents;
}

// ❌ got sets no timeout by default.
export async function trackingEvents(trackingId: string): Promise<unknown[]> {
  return got(`${SHIPPING_URL}/tracking/${trackingId}`).json<unknown[]>();
}

// ❌ ky has a 10 s default; `timeout: false` turns it off for a label download that can take "a while".
export async function label(shipmentId: string): Promise<ArrayBuffer> {
  return ky.get(`${SHIPPING_URL}/labels/${shipmentId}`, { timeout: false }).arrayBuffer();
}
