/** missing-timeout: a `signal` (or `timeout`) that is visibly `undefined` counts as none (RULES.md v2). */
import { ruleTester } from '../helpers/rule-tester';

const N = 10000;

ruleTester('missing-timeout', {
  valid: [
    `await fetch(url, { signal: AbortSignal.timeout(5000) });`,
    // a conditional signal is not visibly undefined: unknown is not guilty
    `await fetch(url, { signal: slow ? undefined : AbortSignal.timeout(5000) });`,
    `let signal;\nif (limit) signal = AbortSignal.timeout(limit);\nawait fetch(url, { signal });`,
    // a later key wins over an undefined one
    `await fetch(url, { signal: undefined, ...{ signal: AbortSignal.timeout(1000) } });`,
  ],
  invalid: [
    {
      name: 'signal: undefined',
      code: `await fetch(url, { method: 'POST', signal: undefined });`,
      errors: [{ messageId: 'fetch', line: 1, column: 7, endColumn: 56 }],
      output: `await fetch(url, { method: 'POST', signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'signal: void 0',
      code: `await fetch(url, { signal: void 0 });`,
      errors: [{ messageId: 'fetch', line: 1, column: 7, endColumn: 37 }],
      output: `await fetch(url, { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'a const signal that holds undefined (shorthand)',
      code: `const signal = undefined;\nawait fetch(url, { signal });`,
      errors: [{ messageId: 'fetch', line: 2, column: 7, endColumn: 29 }],
      output: `const signal = undefined;\nawait fetch(url, { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'an init const with signal: undefined',
      code: `const init = { headers: { a: 'b' }, signal: undefined };\nexport const get = () => fetch(url, init);`,
      errors: [{ messageId: 'fetch', line: 2, column: 26, endColumn: 42 }],
      output: `const init = { headers: { a: 'b' }, signal: AbortSignal.timeout(${N}) };\nexport const get = () => fetch(url, init);`,
    },
    {
      name: 'axios: timeout and signal undefined',
      code: `import axios from 'axios';\nawait axios.get(url, { timeout: undefined });`,
      errors: [{ messageId: 'axios', line: 2, column: 7, endColumn: 45 }],
      output: `import axios from 'axios';\nawait axios.get(url, { timeout: ${N} });`,
    },
    {
      name: 'http.request: signal undefined',
      code: `import https from 'https';\nhttps.get({ host: 'x', signal: undefined }, res => res.resume());`,
      errors: [{ messageId: 'http', line: 2, column: 1, endColumn: 65 }],
      output: `import https from 'https';\nhttps.get({ host: 'x', signal: AbortSignal.timeout(${N}) }, res => res.resume());`,
    },
  ],
});
