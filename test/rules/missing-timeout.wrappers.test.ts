/**
 * missing-timeout and project wrappers (RULES.md v2): a function that forwards its options to a client call without
 * adding a timeout is not flagged itself; each call through it that passes no timeout is flagged at that call.
 * Same-file cases here (a one-file project); across files at the end (the project pass).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { ruleTester } from '../helpers/rule-tester';
import { tempProject } from '../helpers/temp-project';
import { defaultConfig } from '../../src/core/config';
import { discoverFiles } from '../../src/core/files';
import { analyzeFileText, analyzeProject } from '../../src/project/analyze';
import { analyzeText } from '../../src/core/analyzer';
import { loadAllLanguages } from '../../src/core/parser';
import { allRules } from '../../src/rules';

const N = 10000;

const API = `export async function api(path: string, init: RequestInit = {}) {
  const res = await fetch(\`https://api.example.com\${path}\`, { ...init, headers: { ...init.headers, authorization: 'x' } });
  return res.json();
}
`;

ruleTester('missing-timeout', {
  valid: [
    // the wrapper alone: its options are the caller's
    API,
    // calls that pass a signal through the wrapper
    `${API}export const me = () => api('/me', { signal: AbortSignal.timeout(5000) });`,
    `${API}const init = { signal: AbortSignal.timeout(5000) };\nexport const me = () => api('/me', init);`,
    // options we cannot see: unknown is not guilty
    `${API}export const me = (init: RequestInit) => api('/me', init);`,
    `${API}export const me = () => api('/me', buildInit());`,
    // the wrapper bounds the call itself
    `async function api(path: string, init: RequestInit = {}) { return fetch(path, { ...init, signal: AbortSignal.timeout(5000) }); }\nexport const me = () => api('https://x/me');`,
    `async function api(path: string, init: RequestInit = {}) { return fetch(path, { ...init, signal: init.signal ?? AbortSignal.timeout(5000) }); }\nexport const me = () => api('https://x/me');`,
    // a default timeout in the wrapper's parameters
    `async function get(url: string, { timeoutMs = 5000 } = {}) { return fetch(url, { signal: AbortSignal.timeout(timeoutMs) }); }\nexport const me = () => get('https://x/me');`,
    // a relative URL passed through: browser code
    `async function get(url: string, init?: RequestInit) { return fetch(url, init); }\nexport const me = () => get('/api/me');`,
    // a signal parameter passed
    `async function get(url: string, signal?: AbortSignal) { return fetch(url, { signal }); }\nexport const me = (s: AbortSignal) => get('https://x/me', s);`,
    // a function that is not a wrapper (no options from the caller): judged inside, not at its calls
    `async function ping(url: string) { return fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(1000) }); }\nexport const up = () => ping('https://x');`,
    // a wrapper inside a class, called with a signal
    `class Client {\n  async request(path: string, init: RequestInit = {}) { return fetch('https://x' + path, { ...init }); }\n  me() { return this.request('/me', { signal: AbortSignal.timeout(3000) }); }\n}`,
  ],
  invalid: [
    {
      name: 'a call through a fetch wrapper without options',
      code: `${API}export const me = () => api('/me');`,
      errors: [{ messageId: 'wrapperCall', line: 5, column: 25, endColumn: 35, message: /`api` wraps `fetch` \(line 2\) and this call passes no `signal`/ }],
      output: `${API}export const me = () => api('/me', { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'a call through a fetch wrapper with options but no signal',
      code: `${API}export const save = (b: string) => api('/items', {\n  method: 'POST',\n  body: b,\n});`,
      errors: [{ messageId: 'wrapperCall', line: 5, column: 36, endColumn: 39 }],
      output: `${API}export const save = (b: string) => api('/items', {\n  method: 'POST',\n  body: b,\n  signal: AbortSignal.timeout(${N}),\n});`,
    },
    {
      name: 'signal: undefined through the wrapper',
      code: `${API}export const me = () => api('/me', { signal: undefined });`,
      errors: [{ messageId: 'wrapperCall', line: 5, column: 25 }],
      output: `${API}export const me = () => api('/me', { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'the wrapper reads opts.signal',
      code: `async function post(url: string, body: unknown, opts: { signal?: AbortSignal } = {}) {\n  return fetch(url, { method: 'POST', body: JSON.stringify(body), signal: opts.signal });\n}\nexport const send = (url: string) => post(url, { a: 1 });`,
      errors: [{ messageId: 'wrapperCall', line: 4, column: 38, endColumn: 57 }],
      output: `async function post(url: string, body: unknown, opts: { signal?: AbortSignal } = {}) {\n  return fetch(url, { method: 'POST', body: JSON.stringify(body), signal: opts.signal });\n}\nexport const send = (url: string) => post(url, { a: 1 }, { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'the wrapper arms a timeout only when the caller passes one',
      code: `async function get(url: string, { timeoutMs }: { timeoutMs?: number } = {}) {\n  return fetch(url, { signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined });\n}\nexport const a = () => get('https://x/a');\nexport const b = () => get('https://x/b', { timeoutMs: 2000 });`,
      errors: [{ messageId: 'wrapperCall', line: 4, column: 24, endColumn: 42, message: /passes no `timeoutMs`/ }],
      output: `async function get(url: string, { timeoutMs }: { timeoutMs?: number } = {}) {\n  return fetch(url, { signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined });\n}\nexport const a = () => get('https://x/a', { timeoutMs: ${N} });\nexport const b = () => get('https://x/b', { timeoutMs: 2000 });`,
    },
    {
      name: 'the wrapper destructures its options parameter in the body',
      code: `async function post(opts: { url: string; body: unknown; signal?: AbortSignal }) {\n  const { url, body, signal } = opts;\n  return fetch(url, { method: 'POST', body: JSON.stringify(body), signal });\n}\nexport const send = () => post({ url: 'https://x/a', body: 1 });\nexport const ok = (s: AbortSignal) => post({ url: 'https://x/b', body: 1, signal: s });`,
      errors: [{ messageId: 'wrapperCall', line: 5, column: 27, endColumn: 64 }],
      output: `async function post(opts: { url: string; body: unknown; signal?: AbortSignal }) {\n  const { url, body, signal } = opts;\n  return fetch(url, { method: 'POST', body: JSON.stringify(body), signal });\n}\nexport const send = () => post({ url: 'https://x/a', body: 1, signal: AbortSignal.timeout(${N}) });\nexport const ok = (s: AbortSignal) => post({ url: 'https://x/b', body: 1, signal: s });`,
    },
    {
      name: 'a signal parameter not passed',
      code: `async function get(url: string, signal?: AbortSignal) { return fetch(url, { signal }); }\nexport const me = () => get('https://x/me');`,
      errors: [{ messageId: 'wrapperCall', line: 2, column: 25, endColumn: 44, message: /passes no second argument/ }],
      output: `async function get(url: string, signal?: AbortSignal) { return fetch(url, { signal }); }\nexport const me = () => get('https://x/me', AbortSignal.timeout(${N}));`,
    },
    {
      name: 'a wrapper of a wrapper',
      code: `${API}function post(path: string, body: string, init: RequestInit = {}) { return api(path, { ...init, method: 'POST', body }); }\nexport const save = () => post('/items', '{}');`,
      errors: [{ messageId: 'wrapperCall', line: 6, column: 27, endColumn: 47, message: /`post` wraps `fetch` \(line 2\)/ }],
      output: `${API}function post(path: string, body: string, init: RequestInit = {}) { return api(path, { ...init, method: 'POST', body }); }\nexport const save = () => post('/items', '{}', { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'an axios wrapper: the fix adds a timeout',
      code: `import axios from 'axios';\nfunction get(url: string, config?: object) { return axios.get(url, config); }\nexport const me = () => get('https://x/me');`,
      errors: [{ messageId: 'wrapperCall', line: 3, column: 25, endColumn: 44, message: /`get` wraps `axios\.get`/ }],
      output: `import axios from 'axios';\nfunction get(url: string, config?: object) { return axios.get(url, config); }\nexport const me = () => get('https://x/me', { timeout: ${N} });`,
    },
    {
      name: 'a wrapper method called through this',
      code: `class Client {\n  async request(path: string, init: RequestInit = {}) { return fetch('https://x' + path, { ...init }); }\n  me() { return this.request('/me'); }\n}`,
      errors: [{ messageId: 'wrapperCall', line: 3, column: 17, endColumn: 36 }],
      output: `class Client {\n  async request(path: string, init: RequestInit = {}) { return fetch('https://x' + path, { ...init }); }\n  me() { return this.request('/me', { signal: AbortSignal.timeout(${N}) }); }\n}`,
    },
    {
      name: 'an http wrapper whose signal comes from the caller',
      code: `import https from 'https';\nfunction send(url: string, init: { signal?: AbortSignal } = {}) {\n  return https.request(url, { method: 'POST', signal: init.signal }, res => res.resume());\n}\nexport const hook = () => send('https://hooks.example.com', {});`,
      errors: [{ messageId: 'wrapperCall', line: 5, column: 27, endColumn: 64 }],
      output: `import https from 'https';\nfunction send(url: string, init: { signal?: AbortSignal } = {}) {\n  return https.request(url, { method: 'POST', signal: init.signal }, res => res.resume());\n}\nexport const hook = () => send('https://hooks.example.com', { signal: AbortSignal.timeout(${N}) });`,
    },
  ],
});

test('across files: calls through an imported wrapper are judged in the caller\'s file; the wrapper is not flagged', async () => {
  const dir = tempProject({
    'src/lib/api.ts': API,
    'src/lib/index.ts': `export * from './api';\n`,
    'src/users.ts': `import { api } from './lib';\nexport const me = () => api('/me');\nexport const ok = () => api('/ok', { signal: AbortSignal.timeout(1000) });\n`,
    'src/browser.ts': `import { api } from './lib/api';\nexport const me = (init: RequestInit) => api('/me', init);\n`,
  }, 'il-wrap-');
  const config = defaultConfig(dir);
  const files = discoverFiles(['.'], dir, config).files;
  const r = await analyzeProject(files, { config, rules: allRules });
  const found = r.files.flatMap(f => f.findings.filter(x => x.ruleId === 'missing-timeout').map(x => ({ file: path.relative(dir, f.file), line: x.startPos.line + 1, message: x.message, related: x.related })));
  assert.deepEqual(found.map(f => `${f.file}:${f.line}`), ['src/users.ts:2']);
  assert.match(found[0].message, /`api` wraps `fetch` \(api\.ts:2\) and this call passes no `signal`/);
  assert.equal(path.relative(dir, found[0].related![0].file), path.join('src', 'lib', 'api.ts'));
  assert.equal(found[0].related![0].startPos.line, 1);
});

test('pending wrapper calls: only those whose callee may be a wrapper reach the project pass (Rule.keepPending)', async () => {
  await loadAllLanguages();
  const code = [
    "import { api } from './lib/api';",
    "import { format } from 'date-fns';",
    "import * as fs from 'fs';",
    "import { createHash } from 'node:crypto';",
    'function label(url: string) { return url.toUpperCase(); }',
    'async function get(url: string, init?: RequestInit) { return fetch(url, init); }',
    'class Client {',
    '  title(path: string) { return path; }',
    '  async send(path: string, init?: RequestInit) { return fetch(`https://x${path}`, init); }',
    "  run() { this.title('https://x/a'); return this.send('https://x/b'); }",
    '}',
    'export async function main() {',
    "  label('https://x/a');", // a same-file function that is not a wrapper: settled here, dropped
    "  fs.readFileSync('/etc/hosts');", // a Node built-in: never a project function
    "  createHash('sha256');",
    "  format('yyyy', 'x');", // a package: may be a workspace package, left to the project pass
    "  await api('/me');", // an import: left to the project pass
    "  return get('https://x/me');", // a same-file wrapper: kept (and flagged)
    '}',
    '',
  ].join('\n');
  const file = path.resolve('/p/src/main.ts');
  const r = await analyzeText(code, file, { rules: allRules, symbols: true });
  const pending = r.pending.filter(f => f.ruleId === 'missing-timeout').map(f => `${f.startPos.line + 1}:${(f.pending as { callee: string }).callee}`);
  assert.deepEqual(pending, ['10:this.send', '16:format', '17:api', '18:get']);
  // without symbols (an edited region, no summaries) nothing is pruned; the settled findings are the same
  const all = await analyzeText(code, file, { rules: allRules });
  assert.deepEqual(all.pending.filter(f => f.ruleId === 'missing-timeout').map(f => `${f.startPos.line + 1}:${(f.pending as { callee: string }).callee}`),
    ['10:this.title', '10:this.send', '13:label', '14:fs.readFileSync', '15:createHash', '16:format', '17:api', '18:get']);
  const settled = await analyzeFileText(code, file, { rules: allRules });
  assert.deepEqual(settled.findings.filter(f => f.ruleId === 'missing-timeout').map(f => `${f.startPos.line + 1} ${f.messageId}`), ['10 wrapperCall', '18 wrapperCall']);
});
