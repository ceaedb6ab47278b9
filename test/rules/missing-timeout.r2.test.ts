/**
 * missing-timeout: classes of code from the round-2 tuning repositories (test/ecosystem, round 2), written in our
 * own words; each keeps only the shape the rule got wrong (or must keep right). Decisions:
 * src/rules/missing-timeout.md ("Round-2 tuning pass").
 */
import { ruleTester } from '../helpers/rule-tester';

const N = 10000;

ruleTester('missing-timeout', {
  valid: [
    // an asset shipped beside the module (an OG-image route's font): resolved against import.meta.url, not a remote server
    {
      name: 'fetch(new URL(relative path, import.meta.url)) in a chain',
      code: `export const font = fetch(\n  new URL('../../public/fonts/Inter.ttf', import.meta.url),\n).then((res) => res.arrayBuffer());`,
    },
    { name: 'a module asset through .href', code: "export const wasm = await fetch(new URL('./engine.wasm', import.meta.url).href);" },
    { name: 'a module asset through a const', code: "const FONT = new URL(`./fonts/${weight}.otf`, import.meta.url);\nexport const load = () => fetch(FONT);" },
    { name: 'a module asset through toString()', code: "export const load = () => fetch(new URL('assets/data.json', import.meta.url).toString());" },
  ],
  invalid: [
    // an absolute URL with import.meta.url as the base is the absolute URL: a remote server
    {
      name: 'new URL(absolute URL, import.meta.url) is remote',
      code: "export const load = () => fetch(new URL('https://cdn.example.com/x.json', import.meta.url));",
      errors: [{ messageId: 'fetch', line: 1, column: 27, endLine: 1, endColumn: 92 }],
      output: `export const load = () => fetch(new URL('https://cdn.example.com/x.json', import.meta.url), { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'a relative path against another base is judged',
      code: "export const load = (base: string) => fetch(new URL('./x.json', base));",
      errors: [{ messageId: 'fetch', line: 1, column: 39, endLine: 1, endColumn: 71 }],
      output: `export const load = (base: string) => fetch(new URL('./x.json', base), { signal: AbortSignal.timeout(${N}) });`,
    },
  ],
});
