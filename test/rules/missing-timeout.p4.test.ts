/**
 * missing-timeout, tuning pass 4 (issue 17): options held in a `const` (or a `let` never reassigned) and completed after
 * their declaration.
 * Decisions: src/rules/missing-timeout.md ("Tuning pass 4").
 */
import { ruleTester } from '../helpers/rule-tester';

const N = 10000;

ruleTester('missing-timeout', {
  valid: [
    // a timeout key assigned to the options const before the call
    `export async function post(url) {\n  const init: RequestInit = { method: 'POST' };\n  init.signal = AbortSignal.timeout(5000);\n  return fetch(url, init);\n}`,
    `import axios from 'axios';\nexport async function get(url) {\n  const config = { headers: { a: 'b' } };\n  if (slow) config.timeout = 60000;\n  else config['timeout'] = 5000;\n  return axios.get(url, config);\n}`,
    // merged into, or written through a computed key: unknown is not guilty
    `export async function post(url, extra) {\n  const init = { method: 'POST' };\n  Object.assign(init, extra);\n  return fetch(url, init);\n}`,
    `export async function post(url, key, value) {\n  const init = { method: 'POST' };\n  init[key] = value;\n  return fetch(url, init);\n}`,
    // a let reassigned (or completed with a signal) is not a plain literal
    `export async function post(url, extra) {\n  let init = { method: 'POST' };\n  if (extra) init = { ...init, ...extra };\n  return fetch(url, init);\n}`,
    `export async function post(url) {\n  let init: RequestInit = { method: 'POST' };\n  init.signal = AbortSignal.timeout(5000);\n  return fetch(url, init);\n}`,
  ],
  invalid: [
    {
      name: 'options in a let that is never reassigned',
      code: `export async function post(url) {\n  let options: RequestInit = { method: 'POST', headers: { a: 'b' } };\n  return fetch(url, options);\n}`,
      errors: [{ messageId: 'fetch', line: 3, column: 10, endColumn: 29 }],
      output: `export async function post(url) {\n  let options: RequestInit = { method: 'POST', headers: { a: 'b' }, signal: AbortSignal.timeout(${N}) };\n  return fetch(url, options);\n}`,
    },
    {
      name: 'other keys completed later: still no timeout',
      code: `export async function post(url) {\n  const init: RequestInit = { method: 'POST' };\n  init.headers = { a: 'b' };\n  return fetch(url, init);\n}`,
      errors: [{ messageId: 'fetch', line: 4, column: 10, endColumn: 26 }],
      output: `export async function post(url) {\n  const init: RequestInit = { method: 'POST', signal: AbortSignal.timeout(${N}) };\n  init.headers = { a: 'b' };\n  return fetch(url, init);\n}`,
    },
  ],
});
