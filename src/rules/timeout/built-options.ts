/**
 * missing-timeout, part 7 (round 2): options built by a project function. RULES v2's project-wide view: an options
 * object (or a pg connection string) that a function of the analysed project returns counts as seen, like one held
 * in a same-file const. `fetch(url, authInit(token))`, `axios.get(url, apiConfig())`, `new S3Client(s3Config())`,
 * `new Client(databaseUrl())`: the call is reported pending and settled in the project pass from the callee's
 * summary (same file or another one). Unknown stays unknown: a package function, a function whose returns are not
 * all object literals without spreads (or, for pg, plain strings), a callee that does not resolve.
 */
import * as path from 'path';
import type { Node } from '../../core/parser';
import type { ProjectView, Ref, RuleContext } from '../../core/rule';
import type { Finding } from '../../core/types';
import { keyName, namedChildren, unwrap } from '../../core/ast';
import { returnedValues } from './browser';

export const BUILT_OPTIONS_KEY = 'mt-built-options';

/** What a function returns: `{ s: 1 }` a plain string (no timeout mentioned), `{ k: [...] }` object literals with these keys. */
type BuiltFact = { s: 1 } | { k: string[] };

function stringLike(n: Node | null): boolean {
  const u = unwrap(n);
  if (!u) return false;
  if (u.type === 'string' || u.type === 'template_string') return true;
  if (u.type === 'member_expression') return u.childForFieldName('property')?.text === 'href';
  if (u.type === 'binary_expression') return u.childForFieldName('operator')?.type === '+' && (stringLike(u.childForFieldName('left')) || stringLike(u.childForFieldName('right')));
  if (u.type === 'call_expression') {
    const fn = unwrap(u.childForFieldName('function'));
    if (fn?.type === 'identifier') return fn.text === 'String';
    return fn?.type === 'member_expression' && /^(toString|join)$/.test(fn.childForFieldName('property')?.text ?? '');
  }
  return false;
}

/** The keys of an object literal, or undefined when it has a spread or a computed key (it may hold anything). */
function objectKeys(n: Node | null): string[] | undefined {
  let u = unwrap(n);
  while (u && (u.type === 'as_expression' || u.type === 'satisfies_expression')) u = unwrap(u.namedChild(0));
  if (u?.type !== 'object') return undefined;
  const keys: string[] = [];
  for (const c of namedChildren(u)) {
    if (c.type === 'comment') continue;
    if (c.type === 'shorthand_property_identifier') { keys.push(c.text); continue; }
    if (c.type === 'pair' || c.type === 'method_definition') {
      const k = keyName(c.childForFieldName('key') ?? c.childForFieldName('name'));
      if (k === undefined) return undefined;
      keys.push(k);
      continue;
    }
    return undefined; // a spread: unknown
  }
  return keys;
}

/**
 * Summary: recorded for functions of at most 4,000 characters that return a literal (cheap trigger on the text:
 * `return {`, `=> ({`, a string or template return, `toString()`), when every return is a plain string (and the function never mentions a timeout)
 * or every return is an object literal without spreads (the union of their keys).
 */
export const builtOptionsSummary = {
  key: BUILT_OPTIONS_KEY,
  triggers: /return\s*[{`'"]|=>\s*\(\s*\{|=>\s*[`'"]|toString\(\)|\.href\b/,
  of(ctx: RuleContext, fn: { node: Node }): BuiltFact | undefined {
    // options builders and URL makers are small: a long function is not walked (its returns stay unknown)
    if (fn.node.endIndex - fn.node.startIndex > 4000) return undefined;
    const rets = returnedValues(fn.node);
    if (!rets.length) return undefined;
    if (rets.every(stringLike)) return /timeout/i.test(ctx.text.slice(fn.node.startIndex, fn.node.endIndex)) ? undefined : { s: 1 };
    const keys = new Set<string>();
    for (const r of rets) {
      const k = objectKeys(r);
      if (!k) return undefined;
      k.forEach(x => keys.add(x));
    }
    return { k: [...keys] };
  },
};

interface Pending { kind: 'options-call'; ref: Ref; callee: string; keys: string[]; str: boolean }

/**
 * `arg` is a call (or an awaited call) of a resolvable function: report the finding pending, to be settled from the
 * callee's summary. `str`: a returned plain string counts as options without these keys (pg connection strings).
 * Returns whether the argument was such a call.
 */
export function pendOptionsCall(ctx: RuleContext, arg: Node | null | undefined, range: { start: number; end: number }, messageId: string, message: string, keys: string[], str = false, unlessFacts?: string[]): boolean {
  let u = unwrap(arg);
  if (u?.type === 'await_expression') u = unwrap(u.namedChild(0));
  if (u?.type !== 'call_expression') return false;
  const callee = unwrap(u.childForFieldName('function'));
  if (!callee || (callee.type !== 'identifier' && callee.type !== 'member_expression')) return true;
  const ref = ctx.refOf(callee);
  if (!ref) return true;
  const pending: Pending = { kind: 'options-call', ref, callee: callee.text, keys, str };
  ctx.report({ ...range, messageId, message, fixes: [], pending, unlessFacts });
  return true;
}

/** Settles a pending options call: a finding when the callee returns options without any of the keys. */
export function settleOptionsCall(f: Finding, project: ProjectView, file: string): Finding | undefined {
  const p = f.pending as Pending;
  const h = project.resolve(file, p.ref);
  const fact = h ? project.fn(h)?.facts[BUILT_OPTIONS_KEY] as BuiltFact | undefined : undefined;
  if (!h || !fact) return undefined;
  if ('s' in fact ? !p.str : fact.k.some(k => p.keys.includes(k))) return undefined;
  const where = h.file === file ? 'in this file' : `in \`${path.basename(h.file)}\``;
  const what = 's' in fact ? 'returns a connection string, which sets none' : `returns options without \`${p.keys[0]}\``;
  return { ...f, message: `${f.message} (\`${p.callee}()\` ${where} ${what})`, pending: undefined };
}
