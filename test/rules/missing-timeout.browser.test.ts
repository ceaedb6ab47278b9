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
  ],
  invalid: [
    {
      name: "'use client' below code is not a directive",
      code: `const x = 1;\n'use client';\nexport const load = (u: string) => fetch(u);`,
      errors: [{ messageId: 'fetch', line: 3, column: 36, endColumn: 44 }],
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
