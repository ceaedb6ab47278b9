// Two shortcuts of the shared code that the fuzz's slowest inputs (a call with 25,000 arguments, 500 sibling retry
// loops) made worth it; each must give exactly the answers of the long way:
// - FileFacts.isShadowed / moduleOf skip the walk up through enclosing functions and catch clauses when no parameter
//   list of the file (CORE_QUERY's `params` captures) contains the name;
// - callArgs(call, n) reads the first n arguments without listing them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileFacts } from '../../src/core/facts';
import { callArgs } from '../../src/core/ast';
import { type LangId, type Node } from '../../src/core/parser';
import { STRESS_SHAPES } from '../reliability/shapes';
import { coreCaptures } from '../helpers/core-captures';

const treeOf = coreCaptures;

/** Every node of the tree, in document order. */
function allNodes(root: Node): Node[] {
  const out: Node[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    for (let i = n.childCount - 1; i >= 0; i--) stack.push(n.child(i)!);
  }
  return out;
}

const SHADOWING = `
import fetch from 'node-fetch';
import { request } from 'undici';
export async function a(fetch, u) { return fetch(u); }
export const b = fetch => fetch('x');
export const c = async ({ fetch: f, signal }, [request] = []) => f(request, { signal });
export function d(opts = fetch('/defaults')) { try { return fetch(opts); } catch (fetch) { return fetch; } }
export function e(u: string, setTimeout?: (f: () => void, ms: number) => void) { setTimeout?.(() => fetch(u), 10); }
class K { m(Date) { return Date.now() - fetch.length; } static s(...location) { return location; } }
export const g = function (this: unknown, \\u0066etch: unknown) { return fetch; };
try { fetch('y'); } catch { request('z'); }
for (const fetch of []) fetch();
export function h(u) { const r = fetch(u); return r; }
`;

test('isShadowed and moduleOf: the same answers with and without the parameter-text shortcut, for every identifier and name', async () => {
  for (const [code, lang] of [[SHADOWING, 'typescript'], [SHADOWING.replace(/: (string|unknown|\(f[^)]*\) => void)\??/g, '').replace('this, ', ''), 'javascript'],
    [STRESS_SHAPES['sibling-retries'](6), 'javascript'], [STRESS_SHAPES['syntax-error-fetch'](40), 'javascript'], ['function f(fetch { fetch(u) } catch (setTimeout', 'typescript']] as [string, LangId][]) {
    const { tree, groups } = await treeOf(code, lang);
    const long = new FileFacts(groups, code, tree.rootNode, undefined, false);
    const short = new FileFacts(groups, code, tree.rootNode, undefined, true);
    const ids = allNodes(tree.rootNode).filter(n => n.type === 'identifier' || n.type === 'call_expression');
    let shadowed = 0;
    for (const n of ids) {
      for (const name of new Set([...(n.type === 'identifier' ? [n.text] : []), 'fetch', 'setTimeout', 'signal', 'Date', 'location', 'request', 'f', 'u'])) {
        const want = long.isShadowed(n, name);
        assert.equal(short.isShadowed(n, name), want, `${lang}: isShadowed(${n.type} ${JSON.stringify(n.text.slice(0, 30))} @${n.startIndex}, ${name})`);
        if (want) shadowed++;
      }
      assert.equal(short.moduleOf(n)?.module, long.moduleOf(n)?.module, `${lang}: moduleOf(${n.text.slice(0, 30)} @${n.startIndex})`);
    }
    if (code === SHADOWING) assert.ok(shadowed > 20, 'the sample shadows names in many places');
    tree.delete();
  }
});

test('callArgs(call, n) is callArgs(call).slice(0, n), comments left out, whichever is asked first', async () => {
  const code = `f(); g(/* c */); h(a /* c */, // d
  b, /* e */ c); k(...xs, y); new M(/* x */ 1, 2); fetch(u, ${'fetch(u), '.repeat(300)});\n`;
  for (const lang of ['typescript', 'javascript'] as LangId[]) {
    for (const firstFull of [false, true]) {
      const { tree, groups } = await treeOf(code, lang);
      const calls = [...(groups.get('call') ?? []), ...(groups.get('new') ?? [])];
      assert.ok(calls.length > 300);
      for (const call of calls) {
        const full = firstFull ? callArgs(call) : undefined;
        for (const n of [0, 1, 2, 3, 7]) {
          const some = callArgs(call, n);
          const all = full ?? callArgs(call);
          assert.deepEqual(some.map(x => [x.startIndex, x.endIndex, x.type]), all.slice(0, n).map(x => [x.startIndex, x.endIndex, x.type]), `${call.text.slice(0, 30)} first ${n}`);
        }
      }
      tree.delete();
    }
  }
});
