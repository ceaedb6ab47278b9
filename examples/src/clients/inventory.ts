import axios from 'axios';

// ❌ An instance without a timeout: every call through it can hang forever if inventory stalls.
export const inventory = axios.create({
  baseURL: process.env.INVENTORY_URL ?? 'http://inventory.internal',
  headers: { 'x-service': 'orders' },
});

export interface StockLevel { sku: string; available: number }

export async function stockFor(sku: string): Promise<StockLevel> {
  // not flagged one by one: the finding sits on axios.create above
  const { data } = await inventory.get<StockLevel>(`/stock/${encodeURIComponent(sku)}`);
  return data;
}

export async function reserve(sku: string, quantity: number, orderId: string): Promise<void> {
  await inventory.post('/reservations', { sku, quantity, orderId }, { timeout: 2_000 });
}
