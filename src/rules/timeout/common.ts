/** missing-timeout, part 2: reading options objects, building fixes, reporting. */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import type { Fix, TextEdit } from '../../core/types';
import { callArgs, callRange, memberPath, unwrap, enclosingFunction, FUNCTION_TYPES } from '../../core/ast';
import { addPropertyEdit, insertArgumentEdit, replaceNodeEdit } from '../../core/edits';
import type { Target } from './classify';

/** A match of `re` (global) in `scope`'s text that is code, not a comment or a string: `// req.setTimeout(5000)` does not count. */
export function codeMatch(ctx: RuleContext, scope: Node, re: RegExp): boolean {
  for (const m of scope.text.matchAll(re)) {
    const at = ctx.root.descendantForIndex(scope.startIndex + m.index!);
    if (at && (at.type === 'comment' || at.type === 'string_fragment' || at.type === 'string' || at.type === 'template_string')) continue;
    return true;
  }
  return false;
}

/** true: disables the timeout (0, Infinity, false). */
export function isDisablingValue(ctx: RuleContext, value: Node | null): boolean {
  const v = ctx.facts.resolveValue(value);
  if (!v) return false;
  if (v.type === 'false') return true;
  if (v.type === 'number') return Number(v.text.replace(/_/g, '')) === 0;
  if (v.type === 'identifier' && v.text === 'Infinity') return true;
  const p = memberPath(v);
  return !!p && p.join('.') === 'Number.POSITIVE_INFINITY';
}

export type OptState =
  | { state: 'ok' }
  | { state: 'opaque' }
  /** `undef`: a key that is present but visibly `undefined` (`signal: undefined`), to be replaced by a fix */
  | { state: 'missing'; obj: Node | null; undef?: { key: string; pair: Node } }
  | { state: 'disabled'; pair: Node; value: Node };

/** `undefined`, `void 0`, or a same-file const (also through a shorthand `{ signal }`) holding one. */
export function isUndefinedValue(ctx: RuleContext, value: Node | null | undefined): boolean {
  let v = unwrap(value);
  if (v?.type === 'shorthand_property_identifier') {
    const d = ctx.facts.constDeclarator(v.text, v);
    v = d?.childForFieldName('name')?.type === 'identifier' ? unwrap(d.childForFieldName('value')) : null;
  }
  v = ctx.facts.resolveValue(v);
  if (!v) return false;
  if (v.type === 'undefined' || (v.type === 'identifier' && v.text === 'undefined')) return true;
  return v.type === 'unary_expression' && v.childForFieldName('operator')?.text === 'void';
}

/** Inspects an options object for timeout-like keys. `obj` null = options argument absent. */
export function inspectOptions(ctx: RuleContext, arg: Node | null | undefined, keys: string[], absent: 'missing' | 'ok' = 'missing'): OptState {
  if (arg === undefined || arg === null) return absent === 'missing' ? { state: 'missing', obj: null } : { state: 'ok' };
  const u = unwrap(arg);
  if (u && (u.type === 'undefined' || (u.type === 'identifier' && u.text === 'undefined'))) return { state: 'missing', obj: null };
  // (issue 17, pass 4) a `let` holding an object literal that is never reassigned reads like a `const`
  const obj = ctx.facts.resolveObject(arg) ?? (u?.type === 'identifier' ? letObject(ctx, u) : null);
  if (!obj) return { state: 'opaque' };
  // (issue 17, pass 4) options held in a const and completed later: `init.signal = AbortSignal.timeout(5000)`,
  // `config.timeout = 5000`, `Object.assign(init, extra)`, `init[key] = v`
  if (u?.type === 'identifier') {
    const later = laterAssignment(ctx, u, keys);
    if (later === 'set') return { state: 'ok' };
    if (later === 'unknown') return { state: 'opaque' };
  }
  let unknown = false;
  let undef: { key: string; pair: Node } | undefined;
  for (const k of keys) {
    const r = ctx.facts.lookupProp(obj, k);
    if (r.kind === 'present') {
      // `signal: undefined` (RULES v2) counts as no signal
      if (r.pair.type !== 'method_definition' && isUndefinedValue(ctx, r.value)) { undef ??= { key: k, pair: r.pair }; continue; }
      if (k === 'timeout' && r.value && r.pair.type === 'pair' && isDisablingValue(ctx, r.value)) return { state: 'disabled', pair: r.pair, value: r.value };
      return { state: 'ok' };
    }
    if (r.kind === 'unknown') unknown = true;
  }
  return unknown ? { state: 'opaque' } : { state: 'missing', obj, undef };
}

/**
 * How the options const named by `id` is completed after its declaration, in the scope that declares it: 'set' when a
 * timeout key is assigned (`init.signal = …`, `init['timeout'] = …`; a visibly undefined value aside), 'unknown' when it
 * is merged into (`Object.assign(init, …)`) or written through a computed key (`init[k] = …`), undefined otherwise.
 */
function laterAssignment(ctx: RuleContext, id: Node, keys: string[]): 'set' | 'unknown' | undefined {
  const d = ctx.facts.constDeclarator(id.text, id) ?? letDeclarator(ctx, id);
  if (!d || d.childForFieldName('name')?.type !== 'identifier') return undefined;
  const scope = enclosingFunction(d) ?? ctx.root;
  const text = ctx.text.slice(d.endIndex, scope.endIndex);
  const name = id.text.replace(/[$]/g, '\\$');
  if (!new RegExp(`(?<![\\w$.])${name}\\s*(\\.|\\[)|Object\\.assign\\(\\s*${name}\\b`).test(text)) return undefined;
  if (new RegExp(`Object\\.assign\\(\\s*${name}\\s*,`).test(text)) return 'unknown';
  const keyAlt = keys.map(k => k.replace(/[$]/g, '\\$')).join('|');
  for (const m of text.matchAll(new RegExp(`(?<![\\w$.])${name}\\s*(?:\\.\\s*(${keyAlt})|\\[\\s*['"\`](${keyAlt})['"\`]\\s*\\])\\s*=(?![=>])\\s*([^;\\n]*)`, 'g'))) {
    if (/^(undefined|void 0)\s*$/.test(m[3].trim())) continue;
    return 'set';
  }
  if (new RegExp(`(?<![\\w$.])${name}\\s*\\[[^\\]'"\`]+\\]\\s*=(?![=>])`).test(text)) return 'unknown';
  return undefined;
}

/** The one visible `let` declarator of `id` when nothing assigns the variable again after it. */
function letDeclarator(ctx: RuleContext, id: Node): Node | undefined {
  const decls = ctx.facts.declarations.get(id.text)?.filter(d => d.type === 'variable_declarator' && ctx.facts.inScopeOf(d, id));
  if (decls?.length !== 1) return undefined;
  const d = decls[0];
  if (d.parent?.firstChild?.text !== 'let' || d.childForFieldName('name')?.type !== 'identifier') return undefined;
  const scope = enclosingFunction(d) ?? ctx.root;
  const name = id.text.replace(/[$]/g, '\\$');
  if (new RegExp(`(?<![\\w$.])${name}\\s*([-+*/%&|^]|\\?\\?|&&|\\|\\|)?=(?![=>])|(\\+\\+|--)\\s*${name}(?![\\w$])|(?<![\\w$.])${name}\\s*(\\+\\+|--)|[,{]\\s*${name}\\s*[,}]\\s*=(?!=)`).test(ctx.text.slice(d.endIndex, scope.endIndex))) return undefined;
  return d;
}

/** `let init = { … }` never reassigned: its object literal. */
function letObject(ctx: RuleContext, id: Node): Node | null {
  const v = unwrap(letDeclarator(ctx, id)?.childForFieldName('value') ?? null);
  return v?.type === 'object' ? v : null;
}

/** An AbortSignal named `signal` in scope (parameter or destructured option) that the call could combine with. */
export function signalInScope(ctx: RuleContext, call: Node): string | undefined {
  // a parameter list that mentions `signal` has it in the text: without it, no walk up through every enclosing function
  if (!ctx.memo('timeout.textHasSignal', () => ctx.text.includes('signal'))) return undefined;
  for (let f: Node | null = enclosingFunction(call); f; f = enclosingFunction(f)) {
    const params = f.childForFieldName('parameters') ?? f.childForFieldName('parameter');
    if (params && /\bsignal\b/.test(params.text) && ctx.facts.isShadowed(call, 'signal')) return 'signal';
    if (!FUNCTION_TYPES.has(f.type)) break;
  }
  return undefined;
}

export function msFix(ctx: RuleContext): number { return ctx.settings.defaultTimeoutMs; }

export function signalFixes(ctx: RuleContext, t: Target, st: { obj: Node | null; undef?: { key: string; pair: Node } }, optionsIndex: number): Fix[] {
  const n = msFix(ctx);
  const outer = signalInScope(ctx, t.call);
  const value = outer ? `AbortSignal.any([${outer}, AbortSignal.timeout(${n})])` : `AbortSignal.timeout(${n})`;
  const edit = optionsEdit(ctx, t.call, st, optionsIndex, 'signal', value);
  if (!edit) return [];
  return [{ title: outer ? `Combine \`${outer}\` with a ${n} ms timeout signal` : `Add \`signal: AbortSignal.timeout(${n})\``, edits: [edit], safety: 'safe', isPreferred: true }];
}

/**
 * Sets `key: value` in the options: replaces a visibly undefined key (`signal: undefined`), adds to the options object,
 * or creates the options argument at `index` (filling gaps with undefined).
 */
export function optionsEdit(ctx: RuleContext, call: Node, st: { obj: Node | null; undef?: { key: string; pair: Node } }, index: number, key: string, value: string): TextEdit | undefined {
  const prop = `${key}: ${value}`;
  if (st.undef) return replaceNodeEdit(st.undef.pair, prop);
  if (st.obj) return addPropertyEdit(st.obj, prop, ctx.text, ctx.lines);
  const args = callArgs(call);
  if (args.length === 0 && index > 0) return undefined;
  if (index < args.length) {
    // an explicit `undefined` placeholder: replace it
    return replaceNodeEdit(args[index], `{ ${prop} }`);
  }
  const fillers = index - args.length;
  const text = [...Array(fillers).fill('undefined'), `{ ${prop} }`].join(', ');
  return insertArgumentEdit(call, args.length ? args[args.length - 1] : null, text);
}

export function report(ctx: RuleContext, t: Target, node: Node, messageId: string, message: string, fixes: Fix[], unlessFacts?: string[]): void {
  const range = node === t.call ? callRange(ctx.lines, t.call) : { start: node.startIndex, end: node.endIndex };
  ctx.report({ ...range, messageId, message, fixes, unlessFacts });
}

