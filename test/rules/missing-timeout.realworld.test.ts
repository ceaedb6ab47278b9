/**
 * missing-timeout: cases distilled from a sample of real open-source code (docs/precision/missing-timeout.md).
 * Each case is written in our own words; it keeps only the shape that the rule got wrong (or must keep right).
 */
import { ruleTester } from '../helpers/rule-tester';

const N = 10000;

ruleTester('missing-timeout', {
  valid: [
    // Edge-worker proxy: the upstream Request is built from the incoming request (opaque init), so it may carry
    // that request's signal. Held in a `let`/`const` before fetch, it is the same as `fetch(new Request(u, incoming))`.
    {
      name: 'fetch(upstream) where upstream = new Request(url, incoming)',
      code: `async function proxy(incoming: Request) {\n  const target = new URL(incoming.url);\n  let upstream = new Request(target, incoming);\n  return fetch(upstream);\n}`,
    },
    {
      name: 'fetch(r) where r = new Request(url, { signal })',
      code: `const r = new Request(url, { signal: AbortSignal.timeout(3000) });\nawait fetch(r);`,
    },
    // A conditional spread that may set the signal: not provably missing.
    {
      name: 'init with a conditional spread that can carry a signal',
      code: `async function get(url: string, timeoutMs?: number) {\n  const init = { method: 'GET', ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}) };\n  return fetch(url, init);\n}`,
    },
    // A conditional spread of something we cannot see stays opaque.
    `async function get(url: string, extra?: RequestInit) {\n  const init = { method: 'GET', ...(extra && extra) };\n  return fetch(url, init);\n}`,
    // http/https picked at run time, but the options carry a timeout / the request gets setTimeout.
    {
      name: 'runtime-chosen http module with a timeout option and a timeout handler',
      code: `import http from 'http';\nimport https from 'https';\nexport function get(url: string) {\n  const lib = url.startsWith('https') ? https : http;\n  return lib.get(url, { timeout: 5000 }, res => res.resume()).on('timeout', function () { this.destroy(); });\n}`,
    },
    {
      name: 'runtime-chosen http module, request bounded with setTimeout',
      code: `const http = require('http');\nconst https = require('https');\nfunction get(url) {\n  const client = url.startsWith('https') ? https : http;\n  const req = client.get(url, res => res.resume());\n  req.setTimeout(5000, () => req.destroy(new Error('timeout')));\n}`,
      filename: 'get.js',
    },
    // A local that is not an http module: never classified.
    `import http from 'http';\nconst lib = useMock ? mockHttp : http;\nlib.get(url, cb);`,
    // process.argv[n] as the URL, but options with a signal follow.
    { code: `const http = require('http');\nhttp.get(process.argv[2], { signal: AbortSignal.timeout(5000) }, res => res.pipe(process.stdout));`, filename: 'cli.js' },
    // Round 2 (held-out): the http/https module picked inline, inside the callee.
    {
      name: 'inline (tls ? https : http).get with a deadline timer that destroys the request',
      code: `import http from 'node:http';\nimport https from 'node:https';\nexport function probe(host: string, tls: boolean) {\n  return new Promise<boolean>(resolve => {\n    const req = (tls ? https : http).get({ host, path: '/healthz' }, res => { res.resume(); resolve(res.statusCode === 200); });\n    const timer = setTimeout(() => req.destroy(new Error('probe timeout')), 3000);\n    req.on('close', () => clearTimeout(timer));\n    req.on('error', () => resolve(false));\n  });\n}`,
    },
    {
      name: 'inline ternary http module with a timeout option and a timeout handler',
      code: `const http = require('http');\nconst https = require('https');\nfunction head(link, done) {\n  const req = (link.startsWith('https:') ? https : http).get(link, { timeout: 4000 }, done);\n  req.on('timeout', () => req.destroy());\n}`,
      filename: 'head.js',
    },
    // one branch is not an http module: not classified
    `import http from 'http';\nexport const get = (u: string, cb: any) => (offline ? fakeTransport : http).get(u, cb);`,
    // options from a call result stay opaque
    { code: `const http = require('http');\nconst https = require('https');\nconst url = require('url');\nfunction fetchRaw(target, cb) {\n  const opts = url.parse(target);\n  (opts.protocol === 'https:' ? https : http).get(opts, cb);\n}`, filename: 'raw.js' },
    // an IIFE is not a client call (prefilter must not trip on it)
    `import https from 'https';\n(async () => { await main(); })();`,
  ],
  invalid: [
    {
      name: 'init const whose only spreads are `cond && { body }` / `cond && { mode }`',
      code: `async function call(base: string, path: string, body?: string, noCors?: boolean) {\n  const init: RequestInit = {\n    method: body ? 'POST' : 'GET',\n    ...(body && { body }),\n    ...(noCors && { mode: 'no-cors' }),\n  };\n  const res = await fetch(\`\${base}/\${path}\`, init);\n  return res.json();\n}`,
      errors: [{ messageId: 'fetch', line: 7, column: 21, endLine: 7, endColumn: 51 }],
      output: `async function call(base: string, path: string, body?: string, noCors?: boolean) {\n  const init: RequestInit = {\n    method: body ? 'POST' : 'GET',\n    ...(body && { body }),\n    ...(noCors && { mode: 'no-cors' }),\n    signal: AbortSignal.timeout(${N}),\n  };\n  const res = await fetch(\`\${base}/\${path}\`, init);\n  return res.json();\n}`,
    },
    {
      name: 'ternary spread whose branches set no signal',
      code: `const init = { ...(json ? { headers: { accept: 'application/json' } } : undefined) };\nawait fetch(url, init);`,
      errors: [{ messageId: 'fetch', line: 2, column: 7, endLine: 2, endColumn: 23 }],
    },
    {
      name: 'fetch(r) where r = new Request(url, { method }) and no signal',
      code: `const r = new Request(url, { method: 'POST' });\nawait fetch(r);`,
      errors: [{ messageId: 'fetch', line: 2, column: 7, endLine: 2, endColumn: 15 }],
    },
    {
      name: 'http or https chosen by URL scheme (ternary in a const)',
      code: `import https from 'https';\nimport http from 'http';\nexport const getText = (url: string) => new Promise((resolve, reject) => {\n  const lib = url.startsWith('https') ? https : http;\n  lib.get(url, res => { let d = ''; res.on('data', c => (d += c)); res.on('end', () => resolve(d)); }).on('error', reject);\n});`,
      errors: [{ messageId: 'http', line: 5, column: 3 }],
      output: `import https from 'https';\nimport http from 'http';\nexport const getText = (url: string) => new Promise((resolve, reject) => {\n  const lib = url.startsWith('https') ? https : http;\n  lib.get(url, { signal: AbortSignal.timeout(${N}) }, res => { let d = ''; res.on('data', c => (d += c)); res.on('end', () => resolve(d)); }).on('error', reject);\n});`,
    },
    {
      name: 'http module held in a `let` (require, JavaScript)',
      code: `const http = require('http');\nconst https = require('https');\nfunction get(url, done) {\n  let client = http;\n  if (url.startsWith('https')) client = https;\n  client.get(url, done);\n}`,
      filename: 'get.js',
      errors: [{ messageId: 'http', line: 6, column: 3, endLine: 6, endColumn: 24 }],
    },
    {
      name: 'http.request(process.argv[2], callback) in a CLI',
      code: `const http = require('http');\nconst req = http.request(process.argv[2], res => res.pipe(process.stdout));\nreq.end();`,
      filename: 'cli.js',
      errors: [{ messageId: 'http', line: 2, column: 13, endLine: 2, endColumn: 75 }],
      output: `const http = require('http');\nconst req = http.request(process.argv[2], { signal: AbortSignal.timeout(${N}) }, res => res.pipe(process.stdout));\nreq.end();`,
    },
    // Round 2 (held-out)
    {
      name: 'inline (scheme ? https : http).get(url, callback) with no timeout',
      code: `const https = require('https');\nconst http = require('http');\nconst getJson = (url) => new Promise((resolve, reject) => {\n  (url.startsWith('https://') ? https : http).get(url, (res) => {\n    let body = '';\n    res.on('data', (c) => (body += c));\n    res.on('end', () => resolve(JSON.parse(body)));\n  }).on('error', reject);\n});\nmodule.exports = { getJson };`,
      filename: 'json.js',
      errors: [{ messageId: 'http', line: 4, column: 3, endLine: 4, endColumn: 50 }],
      output: `const https = require('https');\nconst http = require('http');\nconst getJson = (url) => new Promise((resolve, reject) => {\n  (url.startsWith('https://') ? https : http).get(url, { signal: AbortSignal.timeout(${N}) }, (res) => {\n    let body = '';\n    res.on('data', (c) => (body += c));\n    res.on('end', () => resolve(JSON.parse(body)));\n  }).on('error', reject);\n});\nmodule.exports = { getJson };`,
    },
    {
      name: 'inline ternary held in a const, request only ended (TypeScript, node: imports)',
      code: `import * as http from 'node:http';\nimport * as https from 'node:https';\nexport function ping(url: URL) {\n  const req = (url.protocol === 'https:' ? https : http).request(url, r => r.resume());\n  req.end();\n}`,
      errors: [{ messageId: 'http', line: 4, column: 15, endLine: 4, endColumn: 87 }],
    },
    {
      name: 'the only req.setTimeout is commented out',
      code: `const http = require('http');\nconst opt = { host: 'localhost', port: 3001, path: '/' };\nconst req = http.request(opt, res => res.resume());\nreq.on('timeout', () => req.abort());\n// req.setTimeout(5 * 1000);\nreq.end();`,
      filename: 'client.js',
      errors: [{ messageId: 'http', line: 3, column: 13, endLine: 3, endColumn: 51 }],
    },
    {
      name: 'superagent: the only .timeout() on the held request is in a comment',
      code: `import request from 'superagent';\nexport async function users() {\n  const pending = request.get('/api/users');\n  /* pending.timeout(2000) */\n  return (await pending).body;\n}`,
      options: { settings: { browserCode: 'analyse' } }, // '/api/users' is browser-only by default
      errors: [{ messageId: 'superagent', line: 3, column: 19, endLine: 3, endColumn: 44 }],
    },
  ],
});
