// Sends order notifications through the mail relay.
const RELAY_URL = process.env.RELAY_URL ?? 'http://mail-relay.internal';

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// retry-without-jitter: the delay doubles, but all replicas that failed together retry together
export async function sendNotification(to: string, body: string): Promise<void> {
  let delay = 200;
  for (let attempt = 1; attempt <= 6; attempt++) {
    try {
      const res = await fetch(`${RELAY_URL}/send`, {
        method: 'POST',
        body: JSON.stringify({ to, body }),
        headers: { 'Idempotency-Key': `${to}:${body.length}` },
        signal: AbortSignal.timeout(2_000),
      });
      if (res.ok) return;
    } catch {
      // network error: retry
    }
    await wait(delay);
    delay = Math.min(delay * 2, 10_000);
  }
}

// ✅ not a retry: each iteration sends a different message
export async function sendAll(messages: { to: string; body: string }[]): Promise<void> {
  for (const m of messages) {
    try {
      await sendNotification(m.to, m.body);
    } catch (err) {
      console.error('notification failed', err);
    }
  }
}
