/**
 * missing-timeout and browser-only code (RULES.md v2): `'use client'` files and relative-URL requests are out of
 * scope by default; `browserCode: "analyse"` judges them like server code. The same setting through the CLI's
 * config file and the extension's settings is checked in test/cli.test.ts and test/extension-unit/engine.test.ts.
 */
import { ruleTester } from '../helpers/rule-tester';

const N = 10000;
const ANALYSE = { settings: { browserCode: 'analyse' as const } };

ruleTester('missing-timeout', {
  valid: [
    // 'use client' files: everything in them runs in the browser
    { code: `'use client';\nimport { useEffect } from 'react';\nexport function A({ url }: { url: string }) {\n  useEffect(() => { fetch(url).then(r => r.json()); }, [url]);\n  return <div />;\n}`, filename: 'a.tsx' },
    { code: `// the dashboard's settings panel\n"use client"\nimport axios from 'axios';\nexport const api = axios.create({ baseURL: process.env.NEXT_PUBLIC_API });`, filename: 'api.ts' },
    { code: `'use strict';\n'use client';\nexport const load = (u: string) => fetch(u);`, name: "'use client' after another directive" },
    // modules declared client-only: the Next.js marker package, Remix .client modules, a client-only folder
    `import 'client-only';\nexport const load = (u: string) => fetch(u);`,
    { code: `export const load = (u: string) => fetch(u);`, filename: 'app/utils/download.client.ts' },
    { code: `export const fetchPdf = (u: string) => fetch(u);`, filename: 'packages/lib/client-only/download-pdf.ts' },
    // relative URLs: only a page's location can complete them
    `export const me = () => fetch('/api/me');`,
    "export const user = (id: string) => fetch(`/api/users/${id}`, { method: 'GET' });",
    `export const user = (id: string) => fetch('/api/users/' + id);`,
    `export const data = () => fetch('./data.json');`,
    `export const lib = () => fetch('//cdn.example.com/lib.json');`,
    `const API = '/api';\nexport const users = () => fetch(API);`,
    "const API = '/api/v1';\nexport const users = () => fetch(`${API}/users`);",
    "const API = `/api`;\nconst USERS = `${API}/users`;\nexport const users = () => fetch(USERS + '?all=1');",
    `const ROUTES = { users: '/api/users', orgs: '/api/orgs' } as const;\nexport const users = () => fetch(ROUTES.users);`,
    "export const users = () => fetch(`${window.location.origin}/api/users`);",
    "export const users = () => fetch(`${location.origin}/api/users`);",
    `export const users = () => fetch(new URL('/api/users', window.location.href));`,
    `export const users = () => fetch(new Request('/api/users', { method: 'GET' }));`,
    `export const users = () => fetch(document.baseURI + 'api/users');`,
    `import axios from 'axios';\nexport const users = () => axios.get('/api/users');`,
    `import axios from 'axios';\nexport const save = (u: object) => axios.post('/api/users', u);`,
    `import axios from 'axios';\nexport const users = () => axios({ url: '/api/users', method: 'get' });`,
    `import axios from 'axios';\nexport const api = axios.create({ baseURL: '/api' });`,
    `import request from 'superagent';\nexport const users = () => request.get('/api/users');`,
    `import ky from 'ky';\nexport const users = () => ky.get('/api/users', { timeout: false });`,
    // a base path is a path prefix (Next.js basePath starts with '/'): URLs built on it are relative
    "export const check = () => fetch(`${env.NEXT_PUBLIC_BASE_PATH ?? ''}/api/auth/check-sso`, { method: 'POST' });",
    "export async function probe(basePath: string) { return fetch(`${basePath}/session`); }",
    "export const s = () => fetch(`${process.env.BASE_PATH || ''}/api/x`);",
    // a same-file function whose every return is a relative URL
    "function downloadUrl(id: string) {\n  if (!id) return '/api/none';\n  return `/api/traces/${id}/download`;\n}\nexport const get = (id: string) => fetch(downloadUrl(id), { method: 'GET' });",
    "const route = (p: string) => `/api/${p}`;\nexport const get = () => fetch(route('users'));",
    // a function named for making a path, given a relative one
    `import { formatPath } from './app';\nexport const up = (f: FormData) => fetch(formatPath('/api/files/upload-pdf'), { method: 'POST', body: f });`,
    "import { paths } from './paths';\nexport const me = () => fetch(paths.withBasePath(`/api/me`));",
    // React client code: hook callbacks, custom hooks, JSX handlers
    { code: `import { useEffect, useState } from 'react';\nexport function Status({ url }: { url: string }) {\n  const [s, set] = useState('');\n  useEffect(() => { fetch(url).then(r => r.text()).then(set); }, [url]);\n  return <p>{s}</p>;\n}`, filename: 'status.tsx' },
    { code: `import { useCallback } from 'react';\nexport function useUpload() {\n  return useCallback(async (uploadUrl: string, file: Blob) => {\n    await fetch(uploadUrl, { method: 'PUT', body: file });\n  }, []);\n}`, filename: 'useUpload.ts' },
    { code: `import { useState } from 'react';\nexport function useUpload(uploadUrl: string) {\n  const [done, setDone] = useState(false);\n  async function upload(file: Blob) { await fetch(uploadUrl, { method: 'PUT', body: file }); setDone(true); }\n  return { upload, done };\n}`, filename: 'useUpload.ts' },
    { code: `import { useQuery } from '@tanstack/react-query';\nexport const Users = ({ api }: { api: string }) => {\n  const q = useQuery({ queryKey: ['u'], queryFn: () => fetch(api).then(r => r.json()) });\n  return <ul>{q.data}</ul>;\n};`, filename: 'users.tsx' },
    { code: `import React from 'react';\nexport const Ping = ({ url }: { url: string }) => <button onClick={async () => { await fetch(url); }}>ping</button>;`, filename: 'ping.tsx' },
    { code: `import * as React from 'react';\nexport function Ping({ url }: { url: string }) { React.useEffect(() => { void fetch(url); }, [url]); return null; }`, filename: 'ping.tsx' },
    { code: `export function Export({ path }: { path: string }) {\n  const copy = async () => {\n    const text = await fetch(path + '?format=md', { credentials: 'include' }).then(r => r.text());\n    await navigator.clipboard.writeText(text);\n  };\n  return <button onClick={copy}>copy</button>;\n}`, filename: 'export.tsx', name: 'a handler declared inside a function component' },
    { code: `import { useState } from 'react';\nexport const Token = () => {\n  const [t, setT] = useState('');\n  async function resolve(u: string) { setT(await (await fetch(u, { method: 'POST' })).text()); }\n  return <input value={t} onChange={e => resolve(e.target.value)} />;\n};`, filename: 'token.tsx' },
  ],
  invalid: [
    {
      name: "'use client' below code is not a directive",
      code: `const x = 1;\n'use client';\nexport const load = (u: string) => fetch(u);`,
      errors: [{ messageId: 'fetch', line: 3, column: 36, endColumn: 44 }],
    },
    {
      name: 'a .server module is server code',
      code: `export const load = (u: string) => fetch(u);`,
      filename: 'app/utils/download.server.ts',
      errors: [{ messageId: 'fetch', line: 1, column: 36, endColumn: 44 }],
    },
    {
      name: 'an absolute URL is not browser-only',
      code: `export const me = () => fetch('https://api.example.com/me');`,
      errors: [{ messageId: 'fetch', line: 1, column: 25, endColumn: 60 }],
      output: `export const me = () => fetch('https://api.example.com/me', { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'an unknown base is not browser-only',
      code: "export const user = (base: string, id: string) => fetch(`${base}/users/${id}`);",
      errors: [{ messageId: 'fetch', line: 1, column: 51, endColumn: 79 }],
    },
    {
      name: 'a let may be reassigned: not a same-file const',
      code: `let API = '/api';\nexport const users = () => fetch(API);`,
      errors: [{ messageId: 'fetch', line: 2, column: 28, endColumn: 38 }],
    },
    {
      name: 'a local named location is not the page location',
      code: `export function follow(location: URL) { return fetch(location.origin + '/next'); }`,
      errors: [{ messageId: 'fetch', line: 1, column: 48, endColumn: 80 }],
    },
    {
      name: 'an axios instance with an absolute baseURL',
      code: `import axios from 'axios';\nexport const api = axios.create({ baseURL: 'https://api.example.com' });`,
      errors: [{ messageId: 'axiosCreate', line: 2, column: 20, endColumn: 72 }],
    },
    {
      name: 'an empty fallback does not make an absolute base relative',
      code: "export const s = () => fetch(`${process.env.API_URL ?? ''}/api/x`);",
      errors: [{ messageId: 'fetch', line: 1, column: 24, endColumn: 67 }],
    },
    {
      name: 'a URL builder (not a path) given a relative path may return an absolute URL',
      code: `import { apiUrl } from './app';\nexport const me = () => fetch(apiUrl('/me'));`,
      errors: [{ messageId: 'fetch', line: 2, column: 25, endColumn: 45 }],
    },
    {
      name: 'a same-file function that may return an absolute URL',
      code: "function url(id: string) {\n  if (id.startsWith('http')) return id;\n  return `/api/${id}`;\n}\nexport const get = (id: string) => fetch(url(id));",
      errors: [{ messageId: 'fetch', line: 5, column: 36, endColumn: 50 }],
    },
    {
      name: 'a React server component (async, no hooks) fetches on the server',
      code: `import React from 'react';\nexport default async function Page() {\n  const data = await fetch('https://api.example.com/stats').then(r => r.json());\n  return <p>{data.count}</p>;\n}`,
      filename: 'page.tsx',
      errors: [{ messageId: 'fetch', line: 3, column: 22, endColumn: 60 }],
    },
    {
      name: 'a use* function outside React code is not a hook',
      code: `export async function useLicense(key: string) { return fetch('https://license.example.com/' + key); }`,
      errors: [{ messageId: 'fetch', line: 1, column: 56, endColumn: 99 }],
    },
    {
      name: 'a Remix loader beside its component runs on the server',
      code: `import { useLoaderData } from '@remix-run/react';\nexport async function loader() { return fetch('https://api.example.com/x'); }\nexport default function R() { const d = useLoaderData(); return <p>{String(d)}</p>; }`,
      filename: 'route.tsx',
      errors: [{ messageId: 'fetch', line: 2, column: 41, endColumn: 75 }],
    },
    {
      name: "a server action inside a component runs on the server ('use server')",
      code: `export default function Page() {\n  async function create(data: FormData) {\n    'use server';\n    await fetch('https://api.example.com/items', { method: 'POST', body: data });\n  }\n  return <form action={create} />;\n}`,
      filename: 'page.tsx',
      errors: [{ messageId: 'fetch', line: 4, column: 11, endColumn: 81 }],
    },
    {
      name: "a 'use server' module is server code even with components",
      code: `'use server';\nexport function Form() {\n  const save = async (u: string) => fetch(u, { method: 'POST' });\n  return <button onClick={() => save('https://x')} />;\n}`,
      filename: 'actions.tsx',
      errors: [{ messageId: 'fetch', line: 3, column: 37, endColumn: 65 }],
    },
    {
      name: 'a helper inside an async server component runs on the server',
      code: `export default async function Stats() {\n  const load = () => fetch('https://api.example.com/stats');\n  const r = await load();\n  return <p>{r.status}</p>;\n}`,
      filename: 'stats.tsx',
      errors: [{ messageId: 'fetch', line: 2, column: 22, endColumn: 60 }],
    },
    {
      name: 'a nested function in a capitalized non-component (no JSX) is not a handler',
      code: `export function Client(base: string) {\n  const get = (p: string) => fetch(base + p);\n  return { get };\n}`,
      errors: [{ messageId: 'fetch', line: 2, column: 30, endColumn: 45 }],
    },
    {
      name: "browserCode: 'analyse' judges React hook code",
      code: `import { useEffect } from 'react';\nexport function A({ url }: { url: string }) { useEffect(() => { fetch(url); }, [url]); return null; }`,
      filename: 'a.tsx',
      options: ANALYSE,
      errors: [{ messageId: 'fetch', line: 2, column: 65, endColumn: 75 }],
    },
    {
      name: "browserCode: 'analyse' judges 'use client' files",
      code: `'use client';\nexport const load = (u: string) => fetch(u);`,
      options: ANALYSE,
      errors: [{ messageId: 'fetch', line: 2, column: 36, endColumn: 44 }],
      output: `'use client';\nexport const load = (u: string) => fetch(u, { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: "browserCode: 'analyse' judges relative URLs",
      code: "const API = '/api';\nexport const me = () => fetch(`${API}/me`);\nexport const users = () => fetch('/api/users');",
      options: ANALYSE,
      errors: [{ messageId: 'fetch', line: 2, column: 25, endColumn: 43 }, { messageId: 'fetch', line: 3, column: 28, endColumn: 47 }],
    },
    {
      name: "browserCode: 'analyse' judges relative axios and superagent calls",
      code: `import axios from 'axios';\nimport request from 'superagent';\nexport const a = () => axios.get('/api/a');\nexport const b = () => request.get('/api/b');`,
      options: ANALYSE,
      errors: [{ messageId: 'axios', line: 3, column: 24, endColumn: 43 }, { messageId: 'superagent', line: 4, column: 24, endColumn: 45 }],
    },
  ],
});
