// ❌ Global fetch has no overall deadline (only 300 s idle limits): a stalled pricing service holds the request.
export async function priceOf(sku: string): Promise<number> {
  const res = await fetch(`${process.env.PRICING_URL}/prices/${sku}`, {
    headers: { accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`pricing ${res.status}`);
  const body = (await res.json()) as { cents: number };
  return body.cents;
}

// ✅ Bounded: AbortSignal.timeout aborts the request after 1.5 s.
export async function currencyRates(): Promise<Record<string, number>> {
  const res = await fetch(`${process.env.FX_URL}/rates`, { signal: AbortSignal.timeout(1_500) });
  return (await res.json()) as Record<string, number>;
}
