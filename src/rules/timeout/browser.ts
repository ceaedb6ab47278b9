/**
 * missing-timeout, part 4: browser-only code (RULES.md v2), out of scope unless the setting `browserCode` is
 * "analyse". Browser requests do not cascade into the outages this rule is about. Two signals, both certain:
 * - the file starts with a `'use client'` directive (React Server Components: the module runs in the browser);
 * - the request URL is a relative path (`fetch('/api/x')`, `` `/api/${id}` ``, `'/api' + p`, a same-file const
 *   holding one) or is built from the page's own location (`window.location.origin`, `document.baseURI`): only a
 *   browser can resolve it. Node's fetch, node-fetch, got and Node's http reject a relative URL.
 * Anything else (an unknown base URL, a parameter) is not browser-only: it may run on a server.
 */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import { callArgs, FUNCTION_TYPES, keyName, memberPath, namedChildren, ownReturnStatements, stringValue, unwrap } from '../../core/ast';
import type { Target } from './classify';

/** The module's directive prologue: `'use client'`, `'use server'` (after comments and other directives), if any. */
function fileDirective(ctx: RuleContext): 'use client' | 'use server' | undefined {
  return ctx.memo('mt:directive', () => {
    // walk the top-level statements lazily: directives come first (namedChildren would read every statement)
    for (let st = ctx.root.firstNamedChild; st; st = st.nextNamedSibling) {
      if (st.type === 'comment' || st.type === 'hash_bang_line') continue;
      if (st.type !== 'expression_statement') return undefined;
      const s = unwrap(st.namedChild(0));
      if (!s || s.type !== 'string') return undefined;
      const v = stringValue(s);
      if (v === 'use client' || v === 'use server') return v;
    }
    return undefined;
  });
}

/**
 * A module declared client-only: it starts with a `'use client'` directive (after comments and other directives),
 * it imports the `client-only` marker package (Next.js: importing it from server code fails the build), it is a
 * Remix / React Router `.client` module (`x.client.ts`: left out of the server bundle), or it lives in a folder
 * named `client-only`.
 */
export function isUseClientFile(ctx: RuleContext): boolean {
  return ctx.memo('mt:client-only', () => fileDirective(ctx) === 'use client'
    || [...ctx.facts.bindings.values()].some(b => b.module === 'client-only')
    || /(^|[\\/])client-only[\\/]|\.client\.[cm]?[jt]sx?$/.test(ctx.file)
    || /^\s*import\s+['"]client-only['"]/m.test(ctx.text.slice(0, 4000)));
}

/** `'/api/x'`, `'./x'`, `'//host/x'` (protocol-relative): only a page's location can complete them. */
function relativeText(s: string): boolean {
  return /^(\/|\.\.?\/)/.test(s);
}

/**
 * A base path by name (`basePath`, `NEXT_PUBLIC_BASE_PATH`, `env.BASE_PATH`): the path prefix an app is served under
 * (Next.js `basePath` must start with `/`), so a URL that starts with it is relative.
 */
const BASE_PATH = /^(?:\w*_)?BASE_PATH$|^(?:[a-z]\w*)?[bB]asePath$/;

/** A same-file function (declaration, or a const holding an arrow/function expression) named by `id`. */
export function sameFileFunction(ctx: RuleContext, id: Node): Node | undefined {
  if (ctx.facts.moduleOf(id)) return undefined;
  const decl = ctx.facts.functionsByName.get(id.text);
  if (decl) return decl;
  const d = ctx.facts.constDeclarator(id.text, id);
  const v = unwrap(d?.childForFieldName('value'));
  return v && FUNCTION_TYPES.has(v.type) ? v : undefined;
}

/** The values a function returns (its expression body, or its `return x` statements outside nested functions). */
export function returnedValues(fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  if (body.type !== 'statement_block') return [body];
  const out: Node[] = [];
  for (const r of ownReturnStatements(body)) {
    const v = r.namedChild(0);
    if (!v) return []; // a bare return: not a URL
    out.push(v);
  }
  return out;
}

/** The page's own location: `window.location.*`, `location.origin` (the global), `document.baseURI`/`location`/`URL`. */
function pageLocation(ctx: RuleContext, n: Node): boolean {
  const p = memberPath(n);
  if (!p || p.length < 2) return false;
  if ((p[0] === 'window' || p[0] === 'self' || p[0] === 'globalThis') && p[1] === 'location') return true;
  if (p[0] === 'document') return p[1] === 'baseURI' || p[1] === 'location' || p[1] === 'URL';
  if (p[0] !== 'location') return false;
  let head: Node | null = n;
  while (head && head.type === 'member_expression') head = unwrap(head.childForFieldName('object'));
  return !!head && head.type === 'identifier' && !ctx.facts.isShadowed(head, 'location');
}

/**
 * true when the URL expression is visibly browser-only: a relative path (literal, template, concatenation, same-file
 * const, a property of a same-file const object) or built from the page's location.
 */
export function isBrowserUrl(ctx: RuleContext, expr: Node | null | undefined, depth = 0): boolean {
  const n = unwrap(expr);
  if (!n || depth > 6) return false;
  switch (n.type) {
    case 'string': return relativeText(n.text.slice(1, -1));
    case 'template_string': {
      const first = n.namedChild(0);
      if (!first) return false;
      if (first.type === 'template_substitution') return first.startIndex === n.startIndex + 1 && isBrowserUrl(ctx, first.namedChild(0), depth + 1);
      return first.startIndex === n.startIndex + 1 && relativeText(first.text);
    }
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text;
      if (op === '+') return isBrowserUrl(ctx, n.childForFieldName('left'), depth + 1);
      // `${basePath ?? ''}/api/x`: both sides are paths (an empty prefix leaves the path relative)
      if (op === '??' || op === '||') {
        const right = n.childForFieldName('right');
        return isBrowserUrl(ctx, n.childForFieldName('left'), depth + 1) && (stringValue(right) === '' || isBrowserUrl(ctx, right, depth + 1));
      }
      return false;
    }
    case 'identifier': {
      const v = ctx.facts.resolveValue(n);
      if (v && v !== n) return isBrowserUrl(ctx, v, depth + 1);
      return BASE_PATH.test(n.text);
    }
    case 'member_expression': {
      if (pageLocation(ctx, n)) return true;
      if (BASE_PATH.test(n.childForFieldName('property')?.text ?? '')) return true;
      // API.users / ROUTES.api.users: a property of a same-file const object
      const obj = ctx.facts.resolveObject(n.childForFieldName('object'));
      const key = keyName(n.childForFieldName('property'));
      if (!obj || key === undefined) return false;
      const r = ctx.facts.lookupProp(obj, key);
      return r.kind === 'present' && !!r.value && r.pair.type === 'pair' && isBrowserUrl(ctx, r.value, depth + 1);
    }
    case 'new_expression': {
      // new URL('/x', window.location.origin) / new URL(path, location.href)
      if (n.childForFieldName('constructor')?.text !== 'URL') return false;
      const args = n.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c) ?? [];
      return args.length >= 2 ? isBrowserUrl(ctx, args[1], depth + 1) : false;
    }
    case 'call_expression': {
      // new URL(...).toString(): judged by the URL
      const fn = unwrap(n.childForFieldName('function'));
      if (fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'toString') return isBrowserUrl(ctx, fn.childForFieldName('object'), depth + 1);
      // formatPath('/api/x'), withBasePath('/x'): a function named for making a *path* from a relative one
      const callee = fn?.type === 'identifier' ? fn.text : fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
      const firstArg = n.childForFieldName('arguments')?.namedChild(0);
      if (callee && /path$/i.test(callee) && firstArg && (firstArg.type === 'string' || firstArg.type === 'template_string') && isBrowserUrl(ctx, firstArg, depth + 1)) return true;
      // buildDownloadUrl(...): a same-file function whose every return is a browser URL
      if (fn?.type === 'identifier') {
        const f = sameFileFunction(ctx, fn);
        const rets = f ? returnedValues(f) : [];
        return rets.length > 0 && rets.every(r => isBrowserUrl(ctx, r, depth + 1));
      }
      return false;
    }
    default: return false;
  }
}

/** Whether browser-only code is out of scope in this run (setting `browserCode`, default "skip"). */
export function skipBrowser(ctx: RuleContext): boolean {
  return ctx.settings.browserCode !== 'analyse';
}

/** The URL a classified call goes to, when its kind takes one (fetch, axios, superagent, ky; axios/ky instances). */
function urlOf(ctx: RuleContext, t: Target): Node | null | undefined {
  const args = callArgs(t.call, 1);
  const first = unwrap(args[0]);
  switch (t.kind) {
    case 'fetch': {
      if (first?.type === 'new_expression' && first.childForFieldName('constructor')?.text === 'Request') return first.childForFieldName('arguments')?.namedChild(0);
      return first;
    }
    case 'superagent': return first;
    case 'ky':
      if (t.method === 'create' || t.method === 'extend') return propOf(ctx, first, 'prefixUrl');
      return first;
    case 'axios-create': return propOf(ctx, first, 'baseURL');
    case 'axios': {
      const obj = ctx.facts.resolveObject(first);
      return obj ? propOf(ctx, obj, 'url') : first;
    }
    default: return undefined;
  }
}

function propOf(ctx: RuleContext, objExpr: Node | null | undefined, key: string): Node | null | undefined {
  const obj = ctx.facts.resolveObject(objExpr);
  if (!obj) return undefined;
  const r = ctx.facts.lookupProp(obj, key);
  return r.kind === 'present' && r.pair.type !== 'method_definition' ? r.value : undefined;
}

/** A module of the React ecosystem (react, react-dom, preact, @tanstack/react-query, react-hook-form, swr, ...). */
const REACT_MODULE = /^(react|preact|swr)(\/|$)|^react-|\/react(-|\/|$)|-react$/;

function importsReact(ctx: RuleContext): boolean {
  return ctx.memo('mt:react', () => [...ctx.facts.bindings.values()].some(b => REACT_MODULE.test(b.module)));
}

const HOOK = /^use[A-Z0-9]/;

function functionName(fn: Node): string | undefined {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const p = fn.parent;
  if (p?.type === 'variable_declarator') return p.childForFieldName('name')?.text;
  return undefined;
}

/**
 * React client code: the call runs inside a hook's callback (`useEffect(() => ...)`, `useCallback`, `useQuery({
 * queryFn })`), inside a custom hook (`function useUpload()`), or in a JSX event handler (`onClick={() => ...}`), in
 * a module that imports from the React ecosystem. Hooks and handlers never run on a server: server components
 * cannot use hooks, and effects and events happen in the browser (or a React Native app).
 */
export function inReactClientCode(ctx: RuleContext, call: Node): boolean {
  if (!(importsReact(ctx) || hasJsx(ctx)) || fileDirective(ctx) === 'use server') return false;
  return clientAbove(ctx, call.parent, false);
}

/**
 * The walk of inReactClientCode from `start` up: a JSX attribute's expression is client code; the first function
 * reached decides by itself (`nested`: whether it encloses another function on the way from the call) or passes
 * the question on to the next one. The verdict of a function is memoised per file (calls in one component share
 * its walk; a component's body is scanned for JSX once).
 */
function clientAbove(ctx: RuleContext, start: Node | null, nested: boolean): boolean {
  for (let n: Node | null = start; n; n = n.parent) {
    if (n.type === 'jsx_expression' && n.parent?.type === 'jsx_attribute') return true;
    if (FUNCTION_TYPES.has(n.type)) {
      const fn = n;
      return ctx.memo(`mt:client:${fn.startIndex}:${fn.endIndex}:${fn.typeId}:${nested}`, () => clientFunction(ctx, fn, nested));
    }
  }
  return false;
}

function clientFunction(ctx: RuleContext, n: Node, nested: boolean): boolean {
  if (hasDirective(n, 'use server')) return false;
  const name = functionName(n);
  if (name && HOOK.test(name) && importsReact(ctx)) return true;
  // a handler or effect helper declared inside a (synchronous) function component runs on events, in the browser
  if (nested && name && /^[A-Z]/.test(name) && !isAsync(ctx, n) && rendersJsx(n)) return true;
  // the function is an argument of a hook call, or a property of an object argument of one (useQuery({ queryFn }))
  let a: Node | null = n.parent;
  if (a?.type === 'pair') a = a.parent?.parent ?? null;
  if (a?.type === 'arguments') {
    const callee = unwrap(a.parent?.childForFieldName('function'));
    const path = memberPath(callee);
    const last = path?.[path.length - 1];
    if (last && HOOK.test(last) && (path!.length === 1 || path![0] === 'React')) return true;
  }
  return clientAbove(ctx, n.parent, true);
}

function hasJsx(ctx: RuleContext): boolean {
  return ctx.memo('mt:jsx', () => ctx.lang !== 'typescript' && /<\/|\/>/.test(ctx.text) && mayHaveJsx(ctx) && containsType(ctx.root, JSX_TYPES, 20000));
}

const JSX_TYPES = new Set(['jsx_element', 'jsx_self_closing_element', 'jsx_fragment']);
const JSX_CLOSE = /<\/|\/>/g;

/**
 * Whether the tree may hold a JSX node, from the text (the walk of `containsType` reads up to 20,000 nodes through
 * WASM; `</` in a string or a regex is common in plain JS): every JSX element ends with `</…>` and every
 * self-closing one with `/>`, so a tree whose `</` and `/>` all sit outside JSX has none. The `typescript` grammar
 * has no JSX at all (the caller's first test). After 200 occurrences outside JSX, the walk decides.
 */
function mayHaveJsx(ctx: RuleContext): boolean {
  let n = 0;
  for (const m of ctx.text.matchAll(JSX_CLOSE)) {
    if (++n > 200) return true;
    let node: Node | null = ctx.root.descendantForIndex(m.index, m.index + 2);
    for (let up = 0; node && up < 3; up++, node = node.parent) if (JSX_TYPES.has(node.type)) return true;
  }
  return false;
}

/** Whether a node of one of `types` occurs under `root` (outside nested functions when `shallow`), within `budget` nodes. */
function containsType(root: Node, types: Set<string>, budget: number, shallow = false): boolean {
  const stack: Node[] = [root];
  while (stack.length && budget-- > 0) {
    const n = stack.pop()!;
    if (types.has(n.type)) return true;
    if (shallow && n !== root && FUNCTION_TYPES.has(n.type)) continue;
    for (const c of namedChildren(n)) stack.push(c);
  }
  return false;
}

/** A function component's body returns JSX (outside its nested functions). */
function rendersJsx(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  return !!body && containsType(body, JSX_TYPES, 50000, true);
}

/** The function's text starts with `async` (as `/^async\b/.test(fn.text)`, without copying the function's text). */
function isAsync(ctx: RuleContext, fn: Node): boolean {
  const s = fn.startIndex;
  return ctx.text.startsWith('async', s) && !/\w/.test(ctx.text.charAt(s + 5));
}

/** The function's body starts with the directive (`'use server'` marks a server action, even inside a component). */
function hasDirective(fn: Node, directive: string): boolean {
  const body = fn.childForFieldName('body');
  if (!body || body.type !== 'statement_block') return false;
  for (const st of namedChildren(body)) {
    if (st.type === 'comment') continue;
    if (st.type !== 'expression_statement') return false;
    const v = stringValue(st.namedChild(0));
    if (v === undefined) return false;
    if (v === directive) return true;
  }
  return false;
}

/** Browser-only by the file (`'use client'`), by the call's URL, or as React client code; never with "analyse". */
export function browserOnly(ctx: RuleContext, t: Target): boolean {
  if (!skipBrowser(ctx)) return false;
  if (isUseClientFile(ctx)) return true;
  const url = urlOf(ctx, t);
  if (url && isBrowserUrl(ctx, url)) return true;
  return inReactClientCode(ctx, t.call);
}
