/**
 * Order replication between regions: each region keeps a copy of every order and applies the changes the
 * other regions publish. Findings expected here (wall-clock-ordering):
 *  - last-write-wins by `updatedAt` in applyRemoteChange (clocks of two regions decide which write survives);
 *  - the change feeds of two regions merged and replayed in timestamp order (replayBacklog);
 *  - versions stamped from the clock (markShipped);
 *  - the replication lock taken over by comparing the holder's stored expiry with the local clock.
 */
import { Redis } from 'ioredis';

export interface Order {
  id: string;
  status: 'open' | 'paid' | 'shipped';
  total: number;
  version: number;
  updatedAt: number;
}

export interface Change { orderId: string; order: Order; region: string; timestamp: number }

const redis = new Redis(process.env.REDIS_URL ?? 'redis://localhost:6379');
const store = new Map<string, Order>();

export async function applyRemoteChange(change: Change): Promise<void> {
  const current = store.get(change.orderId);
  if (!current) {
    store.set(change.orderId, change.order);
    return;
  }
  // the region whose clock runs ahead wins, even if its write is older
  if (change.order.updatedAt > current.updatedAt) {
    store.set(change.orderId, change.order);
  }
}

export async function replayBacklog(fromEu: Change[], fromUs: Change[]): Promise<void> {
  const changes = [...fromEu, ...fromUs];
  changes.sort((a, b) => a.timestamp - b.timestamp);
  for (const change of changes) await applyRemoteChange(change);
}

export function markShipped(order: Order): Order {
  return { ...order, status: 'shipped', version: Date.now(), updatedAt: Date.now() };
}

export async function acquireReplicationLock(owner: string): Promise<boolean> {
  const lock = await redis.hgetall('replication-lock');
  if (lock.owner && Number(lock.expiresAt) > Date.now()) return false;
  // the previous holder's clock and ours disagree: both may now believe they hold the lock
  if (!lock.owner || lock.expiresAt < Date.now()) {
    await redis.hset('replication-lock', { owner, expiresAt: Date.now() + 30_000 });
    return true;
  }
  return false;
}

/* ---- already right: stays silent ---- */

/** Compare-and-set on a version counter: ordering that survives clock skew. */
export function applyVersioned(change: Change): boolean {
  const current = store.get(change.orderId);
  if (current && change.order.version <= current.version) return false;
  store.set(change.orderId, { ...change.order, updatedAt: Date.now() }); // updatedAt kept for display only
  return true;
}

export function isPaymentLinkExpired(link: { expiresAt: number }): boolean {
  return link.expiresAt < Date.now();
}
