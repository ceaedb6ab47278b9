// Pushes stock levels to the warehouse service. Two hand-written retry loops: one hammers the warehouse at a
// fixed rate when it is down, the other backs off with full jitter.
import { setTimeout as sleep } from 'node:timers/promises';

const WAREHOUSE_URL = process.env.WAREHOUSE_URL ?? 'http://warehouse.internal';
const RETRY_DELAY_MS = 2_000;

interface StockLevel { sku: string; available: number }

// retry-without-backoff: every instance retries every 2 s while the warehouse is down (a retry storm)
export async function pushStock(levels: StockLevel[]): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const res = await fetch(`${WAREHOUSE_URL}/stock`, {
        method: 'PUT',
        body: JSON.stringify(levels),
        signal: AbortSignal.timeout(5_000),
      });
      if (res.ok) return;
    } catch (err) {
      console.warn('stock push failed', { err, attempt });
    }
    await sleep(RETRY_DELAY_MS);
  }
  throw new Error('warehouse unavailable');
}

// ✅ capped exponential backoff with full jitter, bounded attempts
export async function pushReservations(levels: StockLevel[]): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const res = await fetch(`${WAREHOUSE_URL}/reservations`, {
        method: 'PUT',
        body: JSON.stringify(levels),
        signal: AbortSignal.timeout(5_000),
      });
      if (res.ok) return;
    } catch (err) {
      console.warn('reservation push failed', { err, attempt });
    }
    await sleep(Math.random() * Math.min(30_000, 500 * 2 ** attempt));
  }
  throw new Error('warehouse unavailable');
}
