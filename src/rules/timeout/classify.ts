/** missing-timeout, part 1: which client library a call goes to (through the file's bindings). */
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import { memberPath, unwrap } from '../../core/ast';
import type { ModuleBinding } from '../../core/facts';

export const FETCH_MODULES = new Set(['node-fetch', 'undici', 'cross-fetch', 'isomorphic-fetch', 'isomorphic-unfetch', 'cross-fetch/polyfill']);
export const AXIOS_NO_DATA = new Set(['get', 'delete', 'head', 'options']);
export const AXIOS_WITH_DATA = new Set(['post', 'put', 'patch', 'postForm', 'putForm', 'patchForm']);
const GOT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'stream']);
const SUPERAGENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options']);
const KY_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);
export const HTTP_MODULES = new Set(['http', 'https']);
export const CLIENT_MODULES = new Set([...FETCH_MODULES, 'axios', 'got', 'ky', 'superagent', 'http', 'https']);
export const URL_NAME = /(url|uri|href|endpoint|link|address|location)$/i;
export const CALLBACK_NAME = /^(cb|callback|done|next|resolve|on[A-Z]\w*|handle[A-Z]?\w*|\w*(Callback|Handler|Listener|Cb))$/;

export type Kind = 'fetch' | 'axios' | 'axios-create' | 'got' | 'got-extend' | 'superagent' | 'http' | 'ky' | 'undici-request';

export interface Target { kind: Kind; call: Node; name: string; module: string; method?: string }

function isLib(b: ModuleBinding | undefined, module: string): boolean {
  return !!b && b.module.replace(/^node:/, '') === module && (b.imported === 'default' || b.imported === '*');
}

/** Classifies a call: which client library it goes to, through the file's bindings. */
export function classify(ctx: RuleContext, call: Node): Target | undefined {
  const fn = unwrap(call.childForFieldName('function'));
  if (!fn) return undefined;
  const { facts } = ctx;
  if (fn.type === 'identifier') {
    const name = fn.text;
    const b = facts.moduleOf(fn);
    if (!b) {
      if (name === 'fetch' && !facts.isShadowed(fn, 'fetch')) return { kind: 'fetch', call, name, module: 'fetch' };
      return undefined;
    }
    const mod = b.module.replace(/^node:/, '');
    if (FETCH_MODULES.has(mod) && (b.imported === 'default' || b.imported === '*' || b.imported === 'fetch' || b.imported === 'default.fetch')) return { kind: 'fetch', call, name, module: mod };
    if (mod === 'undici' && b.imported === 'request') return { kind: 'undici-request', call, name, module: mod };
    if (mod === 'axios') {
      if (b.imported === 'default' || b.imported === '*') return { kind: 'axios', call, name, module: mod };
      const m = b.imported.replace(/^default\./, '');
      if (AXIOS_NO_DATA.has(m) || AXIOS_WITH_DATA.has(m) || m === 'request') return { kind: 'axios', call, name, module: mod, method: m };
      if (m === 'create') return { kind: 'axios-create', call, name, module: mod };
    }
    if (mod === 'got' && (b.imported === 'default' || b.imported === '*' || b.imported === 'got')) return { kind: 'got', call, name, module: mod };
    if (mod === 'ky' && (b.imported === 'default' || b.imported === '*')) return { kind: 'ky', call, name, module: mod };
    if (mod === 'superagent' && (b.imported === 'default' || b.imported === '*')) return { kind: 'superagent', call, name, module: mod };
    if (HTTP_MODULES.has(mod) && (b.imported === 'request' || b.imported === 'get')) return { kind: 'http', call, name, module: mod, method: b.imported };
    return undefined;
  }
  if (fn.type !== 'member_expression') return undefined;
  // (url.startsWith('https') ? https : http).get(url, cb): the module is picked inline
  const obj = unwrap(fn.childForFieldName('object'));
  if (obj?.type === 'ternary_expression') {
    const method = fn.childForFieldName('property')?.text;
    const b = method === 'get' || method === 'request' ? httpModuleOf(ctx, obj) : undefined;
    if (!b) return undefined;
    const name = fn.text.length <= 48 ? fn.text : `${b.module.replace(/^node:/, '')}.${method}`;
    return { kind: 'http', call, name, module: b.module.replace(/^node:/, ''), method };
  }
  const p = memberPath(fn);
  if (!p || p.length < 2) return undefined;
  // globalThis.fetch / window.fetch / self.fetch
  if (p.length === 2 && p[1] === 'fetch' && (p[0] === 'globalThis' || p[0] === 'window' || p[0] === 'self')) {
    return { kind: 'fetch', call, name: p.join('.'), module: 'fetch' };
  }
  let head: Node | null = fn;
  while (head && head.type === 'member_expression') head = unwrap(head.childForFieldName('object'));
  if (!head || head.type !== 'identifier') return undefined;
  const b = facts.moduleOf(head) ?? httpModuleAlias(ctx, head);
  if (!b) return undefined;
  const mod = b.module.replace(/^node:/, '');
  let rest = p.slice(1);
  if (rest[0] === 'default' && b.imported === '*') rest = rest.slice(1);
  const method = rest[rest.length - 1];
  const name = p.join('.');
  if (rest.length !== 1) return undefined;
  if (FETCH_MODULES.has(mod) && b.imported === '*' && method === 'fetch') return { kind: 'fetch', call, name, module: mod };
  if (mod === 'undici' && (b.imported === '*' || b.imported === 'default') && method === 'request') return { kind: 'undici-request', call, name, module: mod };
  if (isLib(b, 'axios')) {
    if (AXIOS_NO_DATA.has(method) || AXIOS_WITH_DATA.has(method) || method === 'request') return { kind: 'axios', call, name, module: mod, method };
    if (method === 'create') return { kind: 'axios-create', call, name, module: mod };
  }
  if (isLib(b, 'got')) {
    if (GOT_METHODS.has(method)) return { kind: 'got', call, name, module: mod, method };
    if (method === 'extend') return { kind: 'got-extend', call, name, module: mod };
  }
  if (isLib(b, 'ky') && (KY_METHODS.has(method) || method === 'create' || method === 'extend')) return { kind: 'ky', call, name, module: mod, method };
  if (isLib(b, 'superagent') && SUPERAGENT_METHODS.has(method)) return { kind: 'superagent', call, name, module: mod, method };
  if (HTTP_MODULES.has(mod) && (b.imported === '*' || b.imported === 'default') && (method === 'request' || method === 'get')) return { kind: 'http', call, name, module: mod, method };
  return undefined;
}

/**
 * `const lib = url.startsWith('https') ? https : http` / `let client = http`: a local that holds Node's http or
 * https module (both branches of a ternary, or the initializer). Only when its single declaration is seen.
 */
function httpModuleAlias(ctx: RuleContext, ref: Node): ModuleBinding | undefined {
  if (ctx.facts.isShadowed(ref, ref.text) === false) return undefined;
  const decls = ctx.facts.declarations.get(ref.text);
  if (!decls || decls.length !== 1 || decls[0].type !== 'variable_declarator') return undefined;
  const d = decls[0];
  if (d.childForFieldName('name')?.type !== 'identifier') return undefined;
  const v = unwrap(d.childForFieldName('value'));
  if (!v) return undefined;
  return httpModuleOf(ctx, v);
}

/** `https`, or `cond ? https : http`: every branch is Node's http or https module (default or namespace import). */
export function httpModuleOf(ctx: RuleContext, v: Node): ModuleBinding | undefined {
  const branches = v.type === 'ternary_expression' ? [v.childForFieldName('consequence'), v.childForFieldName('alternative')] : [v];
  let found: ModuleBinding | undefined;
  for (const br of branches) {
    const u = unwrap(br);
    const b = u && u.type === 'identifier' ? ctx.facts.moduleOf(u) : undefined;
    if (!b || !HTTP_MODULES.has(b.module.replace(/^node:/, '')) || (b.imported !== 'default' && b.imported !== '*')) return undefined;
    found = b;
  }
  return found;
}

