import { ruleTester } from '../helpers/rule-tester';

const N = 10000;

ruleTester('missing-timeout', {
  valid: [
    // fetch with a signal, in any form
    `await fetch(url, { signal: AbortSignal.timeout(5000) });`,
    `const c = new AbortController(); await fetch(url, { signal: c.signal });`,
    `async function f(url, signal) { return fetch(url, { signal }); }`,
    `const init = { signal: AbortSignal.timeout(1000) }; await fetch(url, init);`,
    `const base = { signal: AbortSignal.timeout(1000) }; await fetch(url, { ...base, method: 'POST' });`,
    // opaque options: unknown is not guilty
    `async function f(url: string, init: RequestInit) { return fetch(url, init); }`,
    `async function f(url: string, init: RequestInit) { return fetch(url, { ...init, method: 'POST' }); }`,
    `await fetch(url, buildInit());`,
    // undici dispatcher with its own timeouts
    `await fetch(url, { dispatcher: agent });`,
    // a Request that may carry its own signal
    `await fetch(new Request(url, { signal: AbortSignal.timeout(100) }));`,
    `export default { fetch(request: Request) { return fetch(request); } }`,
    // shadowed fetch: a parameter, a local function, a local const, an import of something else
    `function get(fetch: (u: string) => Promise<unknown>) { return fetch('/x'); }`,
    `function fetch(u: string) { return u; }\nfetch('/x');`,
    `import { fetch } from './my-fetch-with-timeout';\nawait fetch('/x');`,
    `const fetch = makeFetch({ timeout: 1000 });\nawait fetch('/x');`,
    // raced against a timer / wrapped in a timeout helper
    `await Promise.race([fetch(url), sleep(5000).then(() => { throw new Error('timeout'); })]);`,
    `await pTimeout(fetch(url), { milliseconds: 5000 });`,
    // axios: per-call timeout or signal, instance with timeout, global defaults in this file
    `import axios from 'axios';\nawait axios.get(url, { timeout: 5000 });`,
    `import axios from 'axios';\nawait axios.post(url, body, { timeout: 5000 });`,
    `import axios from 'axios';\nawait axios.post(url, body, { signal: AbortSignal.timeout(5000) });`,
    `import axios from 'axios';\nawait axios({ url, method: 'get', timeout: 2000 });`,
    `import axios from 'axios';\nawait axios.request({ url, timeout: 2000 });`,
    `import axios from 'axios';\nconst cfg = { timeout: 3000 };\nawait axios.get(url, cfg);`,
    `import axios from 'axios';\naxios.defaults.timeout = 5000;\nexport const get = (u: string) => axios.get(u);`,
    `import axios from 'axios';\nconst api = axios.create({ baseURL: 'https://x', timeout: 5000 });\nawait api.get('/users');`,
    `import axios from 'axios';\nconst api = axios.create({ baseURL: 'https://x' });\napi.defaults.timeout = 5000;`,
    `import axios from 'axios';\nclass C { client = axios.create({ timeout: 1000 }); }`,
    `import axios from 'axios';\nexport function get(opts: object) { return axios.get(url, opts); }`,
    `import axios from 'axios';\nconst api = axios.create(config);`,
    // calls through an instance are never flagged one by one
    `import { api } from './api';\nawait api.get('/x');`,
    // axios-like names that are not axios
    `import axios from './my-axios';\nawait axios.get(url);`,
    `const axios = { get: async (u: string) => u };\nawait axios.get('/x');`,
    // got with timeout / extended instance
    `import got from 'got';\nawait got(url, { timeout: { request: 5000 } });`,
    `import got from 'got';\nconst client = got.extend({ prefixUrl: 'x', timeout: { request: 5000 } });\nawait client.get('a');`,
    `import got from 'got';\nawait got.post(url, { json: body, timeout: { request: 1000 } });`,
    // superagent with .timeout anywhere in the chain or on the held request
    `import request from 'superagent';\nawait request.get(url).timeout(5000);`,
    `import request from 'superagent';\nawait request.post(url).send(body).set('x', 'y').timeout({ response: 5000, deadline: 60000 });`,
    `import request from 'superagent';\nconst req = request.get(url);\nreq.timeout(5000);\nawait req;`,
    // http/https with timeout/signal or setTimeout on the request
    // a timeout option with a 'timeout' handler (the option alone only emits the event: see missing-timeout.clients.test.ts)
    `import https from 'https';\nhttps.get(url, { timeout: 5000 }, res => res.resume()).on('timeout', function () { this.destroy(); });`,
    `import * as http from 'http';\nconst req = http.request({ host, signal: AbortSignal.timeout(1000) });`,
    `import https from 'https';\nhttps.get(url, res => res.resume()).setTimeout(5000);`,
    `import https from 'https';\nconst req = https.request(opts, cb);\nreq.setTimeout(5000, () => req.destroy(new Error('timeout')));`,
    // ky: bounded by default (10 s) unless timeout: false
    `import ky from 'ky';\nawait ky.get(url).json();`,
    `import ky from 'ky';\nawait ky.post(url, { json: body, timeout: 30000 });`,
    // node-fetch v2 timeout option counts
    `import fetch from 'node-fetch';\nawait fetch(url, { timeout: 5000 });`,
    // not a call to fetch at all
    `const x = { fetch: () => 1 }; x.fetch();`,
    `this.fetch(url);`,
    { code: `const r = await fetch(url, { signal: AbortSignal.timeout(1000) });`, filename: 'a.js' },
    { code: `const C = () => { useEffect(() => { fetch('/x', { signal: ctl.signal }); }, []); return <div/>; };`, filename: 'a.tsx' },
  ],
  invalid: [
    {
      code: `const res = await fetch(url);`,
      errors: [{ messageId: 'fetch', line: 1, column: 19, endLine: 1, endColumn: 29 }],
      output: `const res = await fetch(url, { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'fetch with an init object that has no signal (same-file const)',
      code: `const opts = { method: 'POST' };\nawait fetch(url, opts);`,
      errors: [{ messageId: 'fetch', line: 2, column: 7, endColumn: 23 }],
      output: `const opts = { method: 'POST', signal: AbortSignal.timeout(${N}) };\nawait fetch(url, opts);`,
    },
    {
      name: 'multi-line init keeps its style; range is the callee when the call spans lines',
      code: `await fetch(url, {\n  method: 'POST',\n  body,\n});`,
      errors: [{ messageId: 'fetch', line: 1, column: 7, endLine: 1, endColumn: 12 }],
      output: `await fetch(url, {\n  method: 'POST',\n  body,\n  signal: AbortSignal.timeout(${N}),\n});`,
    },
    {
      name: 'an in-scope signal is combined with AbortSignal.any',
      code: `async function load(url: string, signal?: AbortSignal) {\n  return fetch(url, { method: 'GET' });\n}`,
      errors: [{ messageId: 'fetch', line: 2, column: 10 }],
      output: `async function load(url: string, signal?: AbortSignal) {\n  return fetch(url, { method: 'GET', signal: AbortSignal.any([signal, AbortSignal.timeout(${N})]) });\n}`,
    },
    {
      name: 'fetch has no `timeout` option',
      code: `await fetch(url, { timeout: 5000 });`,
      errors: [{ messageId: 'fetchTimeoutIgnored', line: 1, column: 7 }],
      output: `await fetch(url, { signal: AbortSignal.timeout(5000) });`,
    },
    {
      name: 'globalThis.fetch',
      code: `await globalThis.fetch(url);`,
      errors: [{ messageId: 'fetch', line: 1, column: 7, endColumn: 28 }],
      output: `await globalThis.fetch(url, { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'node-fetch default import under another name',
      code: `import nodeFetch from 'node-fetch';\nawait nodeFetch(url);`,
      errors: [{ messageId: 'fetch', line: 2, column: 7 }],
      output: `import nodeFetch from 'node-fetch';\nawait nodeFetch(url, { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'undici fetch, aliased named import',
      code: `import { fetch as undiciFetch } from 'undici';\nawait undiciFetch(url, { method: 'GET' });`,
      errors: [{ messageId: 'fetch', line: 2, column: 7 }],
      output: `import { fetch as undiciFetch } from 'undici';\nawait undiciFetch(url, { method: 'GET', signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'cross-fetch via require',
      code: `const fetch = require('cross-fetch');\nfetch(url).then(r => r.json());`,
      filename: 'a.js',
      errors: [{ messageId: 'fetch', line: 2, column: 1, endColumn: 11 }],
      output: `const fetch = require('cross-fetch');\nfetch(url, { signal: AbortSignal.timeout(${N}) }).then(r => r.json());`,
    },
    {
      name: 'undici namespace import',
      code: `import * as undici from 'undici';\nawait undici.fetch(url);`,
      errors: [{ messageId: 'fetch', line: 2, column: 7 }],
    },
    {
      name: 'fetch in JSX file',
      code: `export function A() { useEffect(() => { fetch('/api').then(setData); }, []); return <div />; }`,
      filename: 'a.jsx',
      options: { settings: { browserCode: 'analyse' } }, // a relative URL is browser-only (see missing-timeout.browser.test.ts)
      errors: [{ messageId: 'fetch', line: 1, column: 41, endColumn: 54 }],
    },
    {
      name: 'axios.get without config: create the argument',
      code: `import axios from 'axios';\nconst { data } = await axios.get(url);`,
      errors: [{ messageId: 'axios', line: 2, column: 24, endColumn: 38 }],
      output: `import axios from 'axios';\nconst { data } = await axios.get(url, { timeout: ${N} });`,
    },
    {
      name: 'axios.post without data: pass undefined for data',
      code: `import axios from 'axios';\nawait axios.post(url);`,
      errors: [{ messageId: 'axios', line: 2, column: 7 }],
      output: `import axios from 'axios';\nawait axios.post(url, undefined, { timeout: ${N} });`,
    },
    {
      name: 'axios.post with data and a config without timeout',
      code: `import axios from 'axios';\nawait axios.post(url, body, { headers: { a: 'b' } });`,
      errors: [{ messageId: 'axios', line: 2, column: 7 }],
      output: `import axios from 'axios';\nawait axios.post(url, body, { headers: { a: 'b' }, timeout: ${N} });`,
    },
    {
      name: 'axios(config) and axios(url)',
      code: `const axios = require('axios');\naxios({ method: 'post', url });\naxios(url);`,
      filename: 'a.cjs',
      errors: [{ messageId: 'axios', line: 2, column: 1 }, { messageId: 'axios', line: 3, column: 1, endColumn: 11 }],
      output: `const axios = require('axios');\naxios({ method: 'post', url, timeout: ${N} });\naxios(url, { timeout: ${N} });`,
    },
    {
      name: 'axios.request(config) with a same-file const config',
      code: `import axios from 'axios';\nconst config = { url: 'https://a', method: 'get' } as const;\nawait axios.request(config);`,
      errors: [{ messageId: 'axios', line: 3, column: 7 }],
    },
    {
      name: 'timeout: 0 disables axios timeout',
      code: `import axios from 'axios';\nawait axios.get(url, { timeout: 0 });`,
      errors: [{ messageId: 'timeoutDisabled', line: 2, column: 24, endColumn: 34 }],
      output: `import axios from 'axios';\nawait axios.get(url, { timeout: ${N} });`,
    },
    {
      name: 'timeout: Infinity through a const',
      code: `import axios from 'axios';\nconst NO_LIMIT = Infinity;\nawait axios.get(url, { timeout: NO_LIMIT });`,
      errors: [{ messageId: 'timeoutDisabled', line: 3, column: 24 }],
    },
    {
      name: 'destructured axios method',
      code: `const { get } = require('axios');\nget(url);`,
      filename: 'a.js',
      errors: [{ messageId: 'axios', line: 2, column: 1 }],
      output: `const { get } = require('axios');\nget(url, { timeout: ${N} });`,
    },
    {
      name: 'axios namespace import with .default',
      code: `import * as ax from 'axios';\nawait ax.default.get(url);`,
      errors: [{ messageId: 'axios', line: 2, column: 7 }],
    },
    {
      name: 'axios.create without timeout: the finding sits on create, not on calls through the instance',
      code: `import axios from 'axios';\nconst api = axios.create({ baseURL: 'https://api.example.com' });\nexport const users = () => api.get('/users');`,
      errors: [{ messageId: 'axiosCreate', line: 2, column: 13, message: /`api`/ }],
      output: `import axios from 'axios';\nconst api = axios.create({ baseURL: 'https://api.example.com', timeout: ${N} });\nexport const users = () => api.get('/users');`,
    },
    {
      name: 'axios.create() with no config',
      code: `import axios from 'axios';\nexport default axios.create();`,
      errors: [{ messageId: 'axiosCreate', line: 2, column: 16 }],
      output: `import axios from 'axios';\nexport default axios.create({ timeout: ${N} });`,
    },
    {
      name: 'axios.create assigned to a field',
      code: `import axios from 'axios';\nclass C { constructor() { this.http = axios.create({ baseURL }); } }`,
      errors: [{ messageId: 'axiosCreate', line: 2, column: 39, message: /`this\.http`/ }],
    },
    {
      name: 'got without options; got.extend without timeout',
      code: `import got from 'got';\nawait got(url).json();\nexport const client = got.extend({ prefixUrl: base });`,
      errors: [{ messageId: 'got', line: 2, column: 7, endColumn: 15 }, { messageId: 'gotExtend', line: 3, column: 23 }],
      output: `import got from 'got';\nawait got(url, { timeout: { request: ${N} } }).json();\nexport const client = got.extend({ prefixUrl: base, timeout: { request: ${N} } });`,
    },
    {
      name: 'got.post with options',
      code: `import got from 'got';\nawait got.post(url, { json: body });`,
      errors: [{ messageId: 'got', line: 2, column: 7 }],
      output: `import got from 'got';\nawait got.post(url, { json: body, timeout: { request: ${N} } });`,
    },
    {
      name: 'superagent chain without timeout',
      code: `import request from 'superagent';\nconst res = await request.post(url).send(body).set('Accept', 'json');`,
      errors: [{ messageId: 'superagent', line: 2, column: 19, endColumn: 36 }],
      output: `import request from 'superagent';\nconst res = await request.post(url).timeout({ response: ${N}, deadline: ${2 * N} }).send(body).set('Accept', 'json');`,
    },
    {
      name: 'https.get without timeout',
      code: `import https from 'https';\nhttps.get(url, res => res.pipe(out));`,
      errors: [{ messageId: 'http', line: 2, column: 1 }],
      output: `import https from 'https';\nhttps.get(url, { signal: AbortSignal.timeout(${N}) }, res => res.pipe(out));`,
    },
    {
      name: 'http.request with options object without timeout',
      code: `const http = require('node:http');\nconst req = http.request({ host: 'a', path: '/' }, onRes);\nreq.end();`,
      filename: 'a.js',
      errors: [{ messageId: 'http', line: 2, column: 13 }],
      output: `const http = require('node:http');\nconst req = http.request({ host: 'a', path: '/', signal: AbortSignal.timeout(${N}) }, onRes);\nreq.end();`,
    },
    {
      name: 'named import of https.request',
      code: `import { request } from 'https';\nrequest('https://x', cb).end();`,
      errors: [{ messageId: 'http', line: 2, column: 1 }],
    },
    {
      name: 'ky with timeout: false',
      code: `import ky from 'ky';\nawait ky.get(url, { timeout: false });`,
      errors: [{ messageId: 'kyDisabled', line: 2, column: 21, endColumn: 35 }],
      output: `import ky from 'ky';\nawait ky.get(url, { timeout: ${N} });`,
    },
    {
      name: 'ky.create with timeout: false',
      code: `import ky from 'ky';\nexport const api = ky.create({ prefixUrl: base, timeout: false });`,
      errors: [{ messageId: 'kyDisabled', line: 2, column: 49 }],
    },
    {
      name: 'defaultTimeoutMs comes from settings',
      code: `await fetch(url);`,
      options: { settings: { defaultTimeoutMs: 2500 } },
      errors: [{ messageId: 'fetch', line: 1, column: 7 }],
      output: `await fetch(url, { signal: AbortSignal.timeout(2500) });`,
    },
    {
      name: 'syntax error elsewhere in the file does not hide the finding',
      code: `if (ready {\n}\nconst x = ;\nasync function f() { await fetch(url); }`,
      errors: [{ messageId: 'fetch', line: 4, column: 28 }],
    },
    {
      name: 'severity from config',
      code: `await fetch(url);`,
      options: { ruleSettings: { 'missing-timeout': { severity: 'error' } } },
      errors: [{ messageId: 'fetch', line: 1, column: 7, severity: 'error' }],
    },
  ],
});
