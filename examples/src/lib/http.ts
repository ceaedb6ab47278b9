import https from 'node:https';

// ❌ Node's https.get has no per-request timeout: the socket can hang forever.
export function download(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    https.get(url, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    }).on('error', reject);
  });
}

// ✅ A wrapper that forwards the caller's init: opaque here, so not flagged (unknown is not guilty).
export function fetchJson<T>(url: string, init: RequestInit): Promise<T> {
  return fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers } }).then(r => r.json() as Promise<T>);
}
