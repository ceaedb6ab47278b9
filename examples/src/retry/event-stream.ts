// Live order events from the notification hub over a WebSocket.

const HUB_URL = process.env.HUB_URL ?? 'wss://hub.internal/events';

type Listener = (event: unknown) => void;

export class EventStream {
  private socket?: WebSocket;
  private attempts = 0;

  constructor(private readonly onEvent: Listener) {}

  // retry-without-backoff: after a hub restart every replica reconnects at the same second, forever
  connect(): void {
    const ws = new WebSocket(HUB_URL);
    ws.onmessage = (msg) => this.onEvent(JSON.parse(String(msg.data)));
    ws.onclose = () => {
      console.warn('event stream closed, reconnecting');
      setTimeout(() => this.connect(), 1_000);
    };
    this.socket = ws;
  }

  // ✅ the same reconnect handler with capped, jittered exponential backoff
  connectWithBackoff(): void {
    const ws = new WebSocket(HUB_URL);
    ws.onopen = () => { this.attempts = 0; };
    ws.onmessage = (msg) => this.onEvent(JSON.parse(String(msg.data)));
    ws.onclose = () => {
      this.attempts++;
      setTimeout(() => this.connectWithBackoff(), Math.random() * Math.min(30_000, 1_000 * 2 ** this.attempts));
    };
    this.socket = ws;
  }
}
