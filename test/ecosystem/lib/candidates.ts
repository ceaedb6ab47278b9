/**
 * The recall candidate generator (issue 12, item 3). It does NOT use the analyzer or src/rules: it parses every
 * analysed file with tree-sitter (src/core/parser.ts) and matches plain syntax, per family:
 *   handlers   POST/PATCH HTTP handlers and message consumers
 *   retry      loops / functions with a catch and a re-call or a sleep, retry-library calls, queue/retry options
 *   wall-clock clock reads whose value reaches a subtraction, a comparison, an id/key/name string or a sort
 *   timeout    outbound HTTP calls and clients, pg Pool/Client, AWS SDK v3 clients
 * The analysed files are found like the CLI finds them (src/core/files.ts: discovery, default excludes, .gitignore,
 * size limit, generated-file check), so the candidates never depend on any analyzer run.
 * Each candidate: a stable id (hash of repo, path, line, family, kind), its span [line, endLine] (the construct:
 * the handler, the loop or function, the call, the clock read through its last reaching use).
 */
import * as fs from 'fs';
import * as path from 'path';
import { initParser, languageForPath, loadLanguage, parseSync, type Node } from '../../../src/core/parser';
import { generatedReason, readSourceFile } from '../../../src/core/files';
import { CANDIDATES_FILE, FAMILIES, HALVES, SAMPLES_DIR, checkoutDir, expandDirs, loadRepos, readJsonl, repoMatches, roundOf, table, writeJsonl, type Family, type Half, type RepoEntry } from './common';
import { seededSample, stableId, type Candidate } from './measure';
import { discover } from './run';
import {
  LOOP_TYPES, args, calleePath, enclosingFunction, functionName, isFunction, isFunctionLike, memberCall, memberPath, named,
  objectKeys, stringValue, unwrap, walk,
} from './syntax';

export const RECALL_SEED = 'incident-lens-ecosystem-recall-v1';
export const RECALL_PER_FAMILY_HALF = 40;
/** The extended tuning sample (tuners' evidence only, never in the README table): the next candidates by seeded rank. */
export const RECALL_EXTRA_PER_FAMILY = 100;

export interface RawCandidate { line: number; endLine: number; family: Family; kind: string; webhook?: boolean }

// ---------------------------------------------------------------- imports

interface Binding { module: string; imported: string } // imported: 'default' | '*' | a name
export type Imports = Map<string, Binding>;

export function collectImports(root: Node): Imports {
  const m: Imports = new Map();
  // top-level statements only (and the declarators of top-level declarations): imports and requires live there
  walk(root, n => {
    if (n.parent && n.parent.type !== 'program' && !['lexical_declaration', 'variable_declaration', 'export_statement'].includes(n.parent.type)) return false;
    if (n.type === 'import_statement') {
      const src = stringValue(n.childForFieldName('source') ?? undefined);
      if (!src) return false;
      for (const c of named(n)) {
        if (c.type !== 'import_clause') continue;
        for (const d of named(c)) {
          if (d.type === 'identifier') m.set(d.text, { module: src, imported: 'default' });
          else if (d.type === 'namespace_import') { const id = named(d).find(x => x.type === 'identifier'); if (id) m.set(id.text, { module: src, imported: '*' }); }
          else if (d.type === 'named_imports') {
            for (const s of named(d).filter(x => x.type === 'import_specifier')) {
              const name = s.childForFieldName('name')?.text, alias = s.childForFieldName('alias')?.text;
              if (name) m.set(alias ?? name, { module: src, imported: name });
            }
          }
        }
      }
      return false;
    }
    if (n.type === 'variable_declarator') {
      const v = n.childForFieldName('value');
      const call = v ? unwrap(v) : undefined;
      if (call?.type === 'call_expression' && call.childForFieldName('function')?.text === 'require') {
        const src = stringValue(args(call)[0]);
        const name = n.childForFieldName('name');
        if (src && name?.type === 'identifier') m.set(name.text, { module: src, imported: '*' });
        else if (src && name?.type === 'object_pattern') {
          for (const p of named(name)) {
            if (p.type === 'shorthand_property_identifier_pattern') m.set(p.text, { module: src, imported: p.text });
            else if (p.type === 'pair_pattern') { const k = p.childForFieldName('key')?.text, val = p.childForFieldName('value'); if (k && val?.type === 'identifier') m.set(val.text, { module: src, imported: k }); }
          }
        }
      }
      // const x = require('m').default / require('m').name
      if (call?.type === 'member_expression') {
        const o = call.childForFieldName('object');
        if (o?.type === 'call_expression' && o.childForFieldName('function')?.text === 'require') {
          const src = stringValue(args(o)[0]); const name = n.childForFieldName('name'); const prop = call.childForFieldName('property')?.text;
          if (src && prop && name?.type === 'identifier') m.set(name.text, { module: src, imported: prop === 'default' ? 'default' : prop });
        }
      }
    }
    if (n.type === 'import_alias' || n.type === 'import_require_clause') {
      const id = named(n).find(x => x.type === 'identifier'); const src = stringValue(named(n).find(x => x.type === 'string'));
      if (id && src) m.set(id.text, { module: src, imported: '*' });
    }
    return true;
  });
  return m;
}

const same = (a: Node | null | undefined, b: Node) => !!a && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
const mod = (imports: Imports, name: string | undefined) => (name ? imports.get(name) : undefined);
const fromAny = (imports: Imports, re: RegExp) => [...imports.values()].some(b => re.test(b.module));

// ---------------------------------------------------------------- per-file generation

const HTTP_CLIENT_MODULES = /^(axios|got|ky|superagent|supertest|node-fetch|undici|cross-fetch|isomorphic-fetch|request|needle|phin)$/;
const ROUTER_RECEIVER = /(router|app|server|fastify|hono|routes?|api|koa|instance|r)$/i;
const SLEEP_NAME = /(sleep|delay|wait|backoff|pause)/i;
const ID_NAME = /(^|_)(id|ids|key|name|filename|slug|version|seq|sequence|revision|nonce|token|uid|uuid|ref|tag|suffix|prefix|path|filepath|file)$|(Id|Ids|Key|Name|Filename|FileName|Slug|Version|Seq|Sequence|Revision|Nonce|Token|Uid|Uuid|Ref|Tag|Suffix|Prefix|Path|File)$/;
const RETRY_LIB: Record<string, string> = {
  'p-retry': 'p-retry', 'async-retry': 'async-retry', 'promise-retry': 'promise-retry', retry: 'retry',
  'exponential-backoff': 'exponential-backoff', 'axios-retry': 'axios-retry', 'retry-axios': 'retry-axios',
  cockatiel: 'cockatiel', rxjs: 'rxjs', 'rxjs/operators': 'rxjs', 'ts-retry-promise': 'ts-retry-promise',
  '@lifeomic/attempt': 'attempt', 'fetch-retry': 'fetch-retry', 'p-retry-ts': 'p-retry', async: 'async',
};
/** Calls that run something with retries: `retry(...)`, `withRetry`, `with…Retry`, `…WithRetry/Retries`, `retryOn…`, `makeRetryable`. */
const RETRY_HELPER = /^(retry|retryable|makeRetryable|fetchRetry|retryAsync|retryPromise)$|^with\w*Retr(y|ies)\w*$|WithRetr(y|ies)$|^retry(On|With|Until|Operation|Request|Call)[A-Z]\w*$/;
const QUEUE_MODULES = /^(bull|bullmq|bee-queue|@nestjs\/bull|@nestjs\/bullmq|pg-boss|graphile-worker|agenda|@trigger\.dev\/redis-worker|@internal\/redis-worker)/;

export function generateForText(text: string, file: string): RawCandidate[] {
  const lang = languageForPath(file);
  if (!lang) return [];
  const tree = parseSync(text, lang);
  try { return generateForTree(tree.rootNode, file, text); } finally { tree.delete(); }
}

const VISITED = new Set(['call_expression', 'new_expression', 'method_definition', 'export_statement', 'pair', 'object', 'binary_expression',
  'switch_case', 'for_statement', 'for_in_statement', 'while_statement', 'do_statement', 'function_declaration', 'function_expression',
  'function', 'arrow_function', 'generator_function_declaration', 'variable_declarator']);

/** Offsets of a word in the text, for cheap "does this range contain X" checks before walking a subtree. */
function offsets(text: string, re: RegExp): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(re)) out.push(m.index!);
  return out;
}
function anyWithin(sorted: number[], a: number, b: number): boolean {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] < a) lo = mid + 1; else hi = mid; }
  return lo < sorted.length && sorted[lo] < b;
}

export function generateForTree(root: Node, file: string, text: string = root.text): RawCandidate[] {
  const out: RawCandidate[] = [];
  const imports = collectImports(root);
  const catchAt = offsets(text, /\bcatch\b/g);
  const failureHookAt = offsets(text, /\.(on|once)\s*\(\s*['"`](error|close|end|disconnect|disconnected)['"`]/g);
  const posix = file.split(path.sep).join('/');
  const add = (family: Family, kind: string, start: Node, end: Node = start, extra: Partial<RawCandidate> = {}) =>
    out.push({ line: start.startPosition.row + 1, endLine: Math.max(start.startPosition.row, end.endPosition.row) + 1, family, kind, ...extra });
  const webhook = /webhook/i.test(posix);
  const isRouteFile = /(^|\/)(app|api)\/(.*\/)?route\.(t|j)sx?$/.test(posix); // Next.js app router, Medusa file routes
  const isRemixRoute = /(^|\/)routes\/.+\.(t|j)sx?$/.test(posix) && !/(^|\/)server\/routes\//.test(posix);
  const importsBull = fromAny(imports, QUEUE_MODULES);

  // one pass over the tree with a cursor; only the node types looked at are materialised
  const cursor = root.walk();
  let done = !cursor.gotoFirstChild();
  while (!done) {
    if (VISITED.has(cursor.nodeType)) visit(cursor.currentNode);
    if (cursor.gotoFirstChild()) continue;
    for (;;) {
      if (cursor.gotoNextSibling()) break;
      if (!cursor.gotoParent()) { done = true; break; }
    }
  }
  cursor.delete();
  return out;

  function visit(n: Node): void {
    switch (n.type) {
      case 'call_expression': onCall(n); break;
      case 'new_expression': onNew(n); break;
      case 'method_definition': onMethod(n); break;
      case 'export_statement': onExport(n); break;
      case 'pair': onPair(n); break;
      case 'object': onObject(n); break;
      case 'binary_expression': onBinary(n); break;
      case 'switch_case': onSwitchCase(n); break;
      case 'for_statement': case 'for_in_statement': case 'while_statement': case 'do_statement': onLoop(n); break;
      case 'function_declaration': case 'function_expression': case 'function': case 'arrow_function': case 'generator_function_declaration':
        onFunction(n); break;
      case 'variable_declarator': onDeclarator(n); break;
    }
    if (n.type === 'call_expression' || n.type === 'new_expression') { const r = clockRead(n); if (r) onClock(n, r); }
  }

  // ------------------------------------------------------------ calls
  function onCall(n: Node): void {
    const cp = calleePath(n);
    const mc = memberCall(n);
    const a = args(n);
    const head = cp?.[0];
    const b = mod(imports, head);

    // ---- timeout: outbound HTTP
    if (cp) {
      const last = cp[cp.length - 1];
      if (cp.length === 1 && last === 'fetch' && (!b || /^(node-fetch|undici|cross-fetch|isomorphic-fetch)$/.test(b.module))) add('timeout', 'fetch', n);
      else if (cp.length === 2 && (head === 'globalThis' || head === 'window' || head === 'global') && last === 'fetch') add('timeout', 'fetch', n);
      else if (b && /^(node-fetch|cross-fetch|isomorphic-fetch)$/.test(b.module) && cp.length === 1) add('timeout', 'fetch', n);
      else if (b && cp.length === 1 && /^fetch$/i.test(b.imported === 'default' ? head! : b.imported) && /^[.@~#]|^src\//.test(b.module) && !/^@(?!\/)[^/]+\/[^/]+$/.test(b.module.replace(/^@(server|shared|app|lib|utils)\//, '@/'))) add('timeout', 'fetch-import', n);
      else if (b?.module === 'undici' && cp.length === 1 && ['fetch', 'request'].includes(b.imported)) add('timeout', `undici-${b.imported}`, n);
      else if (b?.module === 'axios' && b.imported !== 'create') {
        if (cp.length === 1) add('timeout', 'axios-call', n);
        else if (cp.length === 2 && ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'].includes(last)) add('timeout', 'axios-call', n);
        else if (cp.length === 2 && last === 'create') add('timeout', 'axios-create', n);
      } else if (b?.module === 'got') {
        if (cp.length === 1 || (cp.length === 2 && ['get', 'post', 'put', 'patch', 'delete', 'head', 'stream', 'paginate'].includes(last))) add('timeout', 'got-call', n);
        else if (cp.length === 2 && last === 'extend') add('timeout', 'got-extend', n);
      } else if (b && /^(superagent)$/.test(b.module) && cp.length === 2 && ['get', 'post', 'put', 'patch', 'del', 'delete', 'head'].includes(last)) add('timeout', 'superagent', n);
      else if (b && /^(node:)?https?$/.test(b.module) && ((cp.length === 2 && ['request', 'get'].includes(last)) || (cp.length === 1 && ['request', 'get'].includes(b.imported)))) add('timeout', 'http-request', n);
      else if (b?.module === 'ky') add('timeout', cp.length === 2 && ['create', 'extend'].includes(last) ? 'ky-create' : 'ky-call', n);
    }

    // ---- retry: libraries and helpers
    if (cp) {
      const last = cp[cp.length - 1];
      const lib = b ? RETRY_LIB[b.module] : undefined;
      if (lib === 'rxjs') { if (cp.length === 1 && ['retry', 'retryWhen'].includes(b!.imported)) add('retry', 'lib-rxjs', n); }
      else if (lib === 'async') { if (cp.length === 2 && ['retry', 'retryable'].includes(last)) add('retry', 'lib-async', n); }
      else if (lib === 'cockatiel') { if (['retry', 'handleAll', 'handleType', 'handleWhen', 'handleResultType'].includes(last) || (cp.length === 2 && last === 'retry')) add('retry', 'lib-cockatiel', n); }
      else if (lib === 'retry') { if (cp.length === 2 && ['operation', 'timeouts', 'createTimeout'].includes(last)) add('retry', 'lib-retry', n); }
      else if (lib) add('retry', `lib-${lib}`, n);
      else if (mc?.prop === 'retry' && fromAny(imports, /^superagent$/)) add('retry', 'lib-superagent', n);
      else if (mc?.prop === 'retry' && fromAny(imports, /^cockatiel$/)) add('retry', 'lib-cockatiel', n);
      else if (RETRY_HELPER.test(last)) add('retry', 'retry-helper-call', n);
    }

    // ---- handlers
    if (mc && (mc.prop === 'post' || mc.prop === 'patch')) httpRoute(n, mc, a);
    if (mc && ['route', 'addRoute', 'handle', 'register', 'on'].includes(mc.prop) && a.length >= 2 && /^(POST|PATCH)$/i.test(stringValue(a[0]) ?? '')) add('handlers', `route-method-arg.${stringValue(a[0])!.toLowerCase()}`, n, n, { webhook });
    if (mc?.prop === 'route' && a.length === 1 && unwrap(a[0]).type === 'object') {
      const keys = objectKeys(unwrap(a[0]));
      const method = keys.get('method')?.childForFieldName('value')?.text ?? '';
      if (/\b(POST|PATCH)\b/i.test(method)) add('handlers', 'fastify-route', n, n, { webhook });
    }
    if (mc?.prop === 'mutation' && a.some(x => isFunctionLike(x) || ['identifier', 'member_expression', 'call_expression'].includes(unwrap(x).type))) add('handlers', 'trpc-mutation', n, n, { webhook });
    if (mc?.prop === 'consume' && a.length >= 2 && a.some(x => isFunctionLike(x))) add('handlers', 'amqp-consume', n);
    if (mc?.prop === 'process' && a.length >= 1 && (isFunctionLike(a[a.length - 1]) || (importsBull && /queue/i.test(mc.receiver.text)))) add('handlers', 'bull-process', n);
    if (mc && ['on', 'once'].includes(mc.prop) && /^message(s)?$/.test(stringValue(a[0]) ?? '') && fromAny(imports, /^@google-cloud\/pubsub/)) add('handlers', 'pubsub-message', n);
    if (mc?.prop === 'createFunction' && a.length >= 2) add('handlers', 'inngest-function', n);
    if (cp && cp.length <= 2) {
      const bb = mod(imports, cp[0]);
      if (bb && /^@trigger\.dev\/sdk/.test(bb.module) && ((cp.length === 1 && ['task', 'schemaTask'].includes(bb.imported)) || (cp.length === 2 && cp[1] === 'task'))) add('handlers', 'trigger-task', n);
    }
    if (mc?.prop === 'createQueue' && a.length && unwrap(a[0]).type === 'object') {
      const p = objectKeys(unwrap(a[0])).get('process');
      if (p) add('handlers', 'job-queue-process', p);
    }
  }

  function httpRoute(n: Node, mc: { prop: string; receiver: Node }, a: Node[]): void {
    if (!a.length) return;
    const rp = memberPath(mc.receiver);
    const rb = mod(imports, rp?.[0]);
    if (rb && HTTP_CLIENT_MODULES.test(rb.module)) return;
    const recv = unwrap(mc.receiver);
    const chained = recv.type === 'call_expression' || recv.type === 'new_expression';
    const first = stringValue(a[0]);
    if (first !== undefined && /^https?:\/\//.test(first)) return;
    const lastArg = a[a.length - 1];
    const routeChain = recv.type === 'call_expression' && memberCall(recv)?.prop === 'route';
    const receiverName = rp?.[rp.length - 1] ?? '';
    let ok = false;
    if (routeChain) ok = a.some(x => isFunctionLike(x) || ['identifier', 'member_expression', 'call_expression'].includes(unwrap(x).type));
    else if (a.length >= 2) {
      const firstOk = ['string', 'template_string', 'identifier', 'member_expression', 'array', 'regex', 'binary_expression'].includes(unwrap(a[0]).type);
      if (firstOk && isFunctionLike(lastArg)) ok = true;
      else if (firstOk && ['identifier', 'member_expression', 'call_expression'].includes(unwrap(lastArg).type) && (chained || ROUTER_RECEIVER.test(receiverName))) ok = true;
    }
    if (ok) add('handlers', `route.${mc.prop}`, n, n, { webhook });
  }

  function onNew(n: Node): void {
    const cp = calleePath(n);
    if (!cp) return;
    const b = mod(imports, cp[0]);
    const last = cp[cp.length - 1];
    const a = args(n);
    if (b && /^pg$/.test(b.module) && ((cp.length === 1 && ['Pool', 'Client'].includes(b.imported)) || (cp.length === 2 && ['Pool', 'Client'].includes(last)))) add('timeout', 'pg-client', n);
    if (b && /^@aws-sdk\/client-/.test(b.module) && /Client$/.test(last)) add('timeout', 'aws-sdk-client', n);
    if (b && /^cockatiel$/.test(b.module) && /Backoff$/.test(last)) add('retry', 'lib-cockatiel', n);
    if (last === 'Worker' && a.length >= 2 && (isFunctionLike(a[1]) || ['identifier', 'member_expression', 'call_expression', 'string'].includes(unwrap(a[1]).type)) && (b ? /bullmq|redis-worker/.test(b.module) : importsBull)) add('handlers', 'bullmq-worker', n);
  }

  // ------------------------------------------------------------ decorators, exports
  function decoratorsOf(method: Node): string[] {
    const names: string[] = [];
    const take = (d: Node) => { const c = d.namedChild(0); if (!c) return; const p = c.type === 'call_expression' ? calleePath(c) : memberPath(c); if (p) names.push(p[p.length - 1]); };
    for (const c of named(method)) if (c.type === 'decorator') take(c);
    for (let s = method.previousNamedSibling; s && s.type === 'decorator'; s = s.previousNamedSibling) take(s);
    return names;
  }
  function firstDecorator(method: Node): Node {
    let first = method;
    for (let s = method.previousNamedSibling; s && s.type === 'decorator'; s = s.previousNamedSibling) first = s;
    return first;
  }
  function classOf(method: Node): Node | undefined {
    for (let p = method.parent; p; p = p.parent) if (p.type === 'class_declaration' || p.type === 'class' || p.type === 'abstract_class_declaration') return p;
    return undefined;
  }

  function onMethod(n: Node): void {
    const decs = decoratorsOf(n);
    const start = firstDecorator(n);
    const name = n.childForFieldName('name')?.text ?? '';
    if (decs.includes('Post')) add('handlers', 'nest-post', start, n, { webhook });
    else if (decs.includes('Patch')) add('handlers', 'nest-patch', start, n, { webhook });
    if (decs.some(d => ['EventPattern', 'MessagePattern'].includes(d))) add('handlers', 'nest-message-pattern', start, n);
    if (decs.includes('OnEvent')) add('handlers', 'nest-on-event', start, n);
    if (decs.includes('Process')) add('handlers', 'nest-bull-process', start, n);
    if (decs.some(d => ['RabbitSubscribe', 'SqsMessageHandler', 'SqsConsumerEventHandler', 'Subscribe', 'KafkaListener'].includes(d))) add('handlers', 'broker-subscribe', start, n);
    const cls = classOf(n);
    if (cls) {
      const clsDecs: string[] = [];
      for (const c of named(cls)) if (c.type === 'decorator') { const x = c.namedChild(0); const p = x ? (x.type === 'call_expression' ? calleePath(x) : memberPath(x)) : undefined; if (p) clsDecs.push(p[p.length - 1]); }
      for (let s = cls.previousNamedSibling; s && s.type === 'decorator'; s = s.previousNamedSibling) { const x = s.namedChild(0); const p = x ? (x.type === 'call_expression' ? calleePath(x) : memberPath(x)) : undefined; if (p) clsDecs.push(p[p.length - 1]); }
      if (cls.parent?.type === 'export_statement') for (const c of named(cls.parent)) if (c.type === 'decorator') { const x = c.namedChild(0); const p = x ? (x.type === 'call_expression' ? calleePath(x) : memberPath(x)) : undefined; if (p) clsDecs.push(p[p.length - 1]); }
      if (clsDecs.includes('Processor') && name === 'process') add('handlers', 'nest-processor', n);
      const heritage = named(cls).find(c => c.type === 'class_heritage')?.text ?? '';
      if (name === 'perform' && /extends\s+[\w.]*(Task|Processor)\b/.test(heritage)) add('handlers', 'task-perform', n);
    }
  }

  function onExport(n: Node): void {
    const decl = n.childForFieldName('declaration');
    const names: { name: string; node: Node }[] = [];
    if (decl && (decl.type === 'function_declaration' || decl.type === 'generator_function_declaration')) { const nm = decl.childForFieldName('name')?.text; if (nm) names.push({ name: nm, node: n }); }
    if (decl && (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration')) {
      for (const v of named(decl).filter(x => x.type === 'variable_declarator')) {
        const nm = v.childForFieldName('name');
        if (nm?.type === 'identifier') names.push({ name: nm.text, node: n });
        else if (nm?.type === 'object_pattern') for (const p of named(nm)) {
          if (p.type === 'shorthand_property_identifier_pattern') names.push({ name: p.text, node: n });
          else if (p.type === 'pair_pattern') { const val = p.childForFieldName('value'); if (val?.type === 'identifier') names.push({ name: val.text, node: n }); }
        }
      }
    }
    for (const c of named(n)) if (c.type === 'export_clause') for (const s of named(c).filter(x => x.type === 'export_specifier')) {
      const nm = (s.childForFieldName('alias') ?? s.childForFieldName('name'))?.text; if (nm) names.push({ name: nm, node: n });
    }
    for (const { name, node } of names) {
      if (isRouteFile && (name === 'POST' || name === 'PATCH')) add('handlers', `route-export.${name.toLowerCase()}`, node, node, { webhook });
      if (isRemixRoute && name === 'action') add('handlers', 'remix-action', node, node, { webhook });
    }
    // medusa-style subscribers: export default handler + export const config = { event }
    if (/(^|\/)subscribers\//.test(posix) && n.text.startsWith('export default')) {
      const hasConfig = named(n.parent ?? n).some(s => s.type === 'export_statement' && /export\s+const\s+config\b[\s\S]*\bevent\b/.test(s.text));
      if (hasConfig) add('handlers', 'event-subscriber', n);
    }
  }

  function onPair(n: Node): void {
    const key = n.childForFieldName('key')?.text;
    const val = n.childForFieldName('value');
    if ((key === 'eachMessage' || key === 'eachBatch') && val && isFunctionLike(val)) add('handlers', 'kafka-consumer', n);
    if ((key === 'handleMessage' || key === 'handleMessageBatch') && val) add('handlers', 'sqs-consumer', n);
  }

  function onDeclarator(n: Node): void {
    const t = n.childForFieldName('type')?.text ?? '';
    if (/\b(SQSHandler|SNSHandler|EventBridgeHandler)\b/.test(t)) add('handlers', 'lambda-event', n);
  }

  // ------------------------------------------------------------ method branches (pages API)
  function onBinary(n: Node): void {
    const op = n.childForFieldName('operator')?.text;
    if (op !== '===' && op !== '==') return;
    const l = n.childForFieldName('left'), r = n.childForFieldName('right');
    if (!l || !r) return;
    const isMethod = (x: Node) => { const p = memberPath(x); return !!p && p.length >= 2 && p[p.length - 1] === 'method'; };
    const m = isMethod(l) ? stringValue(r) : isMethod(r) ? stringValue(l) : undefined;
    if (m === 'POST' || m === 'PATCH') {
      let span: Node = n;
      for (let p = n.parent; p; p = p.parent) { if (p.type === 'if_statement') { span = p; break; } if (isFunction(p) || p.type === 'statement_block') break; }
      add('handlers', /(^|\/)pages\/api\//.test(posix) ? 'next-pages-method' : 'method-branch', span, span, { webhook });
    }
  }
  function onSwitchCase(n: Node): void {
    const v = stringValue(n.childForFieldName('value') ?? undefined);
    if (v !== 'POST' && v !== 'PATCH') return;
    const sw = n.parent?.parent;
    const subject = sw?.childForFieldName('value')?.text ?? '';
    if (/\.method\b/.test(subject)) add('handlers', /(^|\/)pages\/api\//.test(posix) ? 'next-pages-method' : 'method-branch', n, n, { webhook });
  }

  // ------------------------------------------------------------ retry: loops, functions, options
  function containsCatch(body: Node): boolean {
    let found = false;
    walk(body, d => { if (found) return false; if (isFunction(d) || LOOP_TYPES.has(d.type)) return false; if (d.type === 'catch_clause') { found = true; return false; } return true; });
    return found;
  }
  function containsSleep(body: Node): boolean {
    let found = false;
    walk(body, d => {
      if (found) return false;
      if (d.type === 'call_expression') {
        const p = calleePath(d);
        const last = p?.[p.length - 1] ?? '';
        if (SLEEP_NAME.test(last) && !/^(await|waitUntil|waitFor(Element|Selector))$/.test(last)) { found = true; return false; }
        if (last === 'setTimeout' && (d.parent?.type === 'await_expression' || !!enclosingPromise(d))) { found = true; return false; }
      }
      // nested named functions are other functions; arrow callbacks (promise executors) are looked into
      if (d.type === 'function_declaration' || d.type === 'method_definition') return false;
      return true;
    });
    return found;
  }
  function enclosingPromise(n: Node): boolean {
    for (let p = n.parent, i = 0; p && i < 6; p = p.parent, i++) if (p.type === 'new_expression' && calleePath(p)?.join('.') === 'Promise') return true;
    return false;
  }
  function onLoop(n: Node): void {
    const body = n.childForFieldName('body');
    if (!body || !anyWithin(catchAt, body.startIndex, body.endIndex) || !containsCatch(body)) return;
    if (containsSleep(body)) { add('retry', 'loop-catch-sleep', n); return; }
    if (n.type === 'for_in_statement') return; // a for-of / for-in over items with a catch and no sleep: different items, not a retry
    add('retry', 'loop-catch', n);
  }
  function onFunction(n: Node): void {
    const name = functionName(n);
    if (!name) return;
    const body = n.childForFieldName('body');
    if (!body || !(anyWithin(catchAt, body.startIndex, body.endIndex) || anyWithin(failureHookAt, body.startIndex, body.endIndex))) return;
    let hit: string | undefined;
    const refersToSelf = (x: Node) => {
      let yes = false;
      walk(x, d => {
        if (yes) return false;
        if (d.type === 'call_expression') { const p = calleePath(d); if (p && p[p.length - 1] === name && (p.length === 1 || p[0] === 'this')) { yes = true; return false; } }
        if ((d.type === 'identifier' || d.type === 'property_identifier') && d.text === name && d.parent?.type !== 'call_expression' && (d.parent?.type === 'arguments' || d.parent?.parent?.type === 'arguments')) {
          // setTimeout(name, ms) / setTimeout(this.name, ms)
          const call = d.parent?.type === 'arguments' ? d.parent.parent : d.parent?.parent?.parent;
          const cp = call ? calleePath(call) : undefined;
          if (cp && cp[cp.length - 1] === 'setTimeout') { yes = true; return false; }
        }
        return !(d.type === 'function_declaration' || d.type === 'method_definition');
      });
      return yes;
    };
    walk(body, d => {
      if (hit) return false;
      if (d.type === 'function_declaration' || d.type === 'method_definition' || d.type === 'class_declaration') return false;
      if (d.type === 'catch_clause' && refersToSelf(d)) { hit = 'recursive-catch'; return false; }
      if (d.type === 'call_expression') {
        const mc = memberCall(d);
        const a = args(d);
        if (mc?.prop === 'catch' && a.length && isFunctionLike(a[0]) && refersToSelf(a[0])) { hit = 'recursive-catch'; return false; }
        if (mc && ['on', 'once'].includes(mc.prop) && /^(error|close|end|disconnect|disconnected)$/.test(stringValue(a[0]) ?? '') && a[1] && isFunctionLike(a[1]) && refersToSelf(a[1])) { hit = 'reconnect-self'; return false; }
      }
      return true;
    });
    if (hit) add('retry', hit, n);
  }
  function onObject(n: Node): void {
    const keys = objectKeys(n);
    const parentCall = n.parent?.type === 'arguments' ? n.parent.parent : undefined;
    const pc = parentCall ? memberCall(parentCall) : undefined;
    // an options object that is an argument of a retry-library call is part of that candidate
    const parentIsRetryLib = parentCall ? (() => { const p = calleePath(parentCall); const b = mod(imports, p?.[0]); return !!(b && RETRY_LIB[b.module]); })() : false;
    if (parentIsRetryLib) return;
    const pairKey = n.parent?.type === 'pair' ? n.parent.childForFieldName('key')?.text ?? '' : '';
    const declName = n.parent?.type === 'variable_declarator' ? n.parent.childForFieldName('name')?.text ?? '' : '';
    const queueish = importsBull || (pc && ['add', 'addBulk', 'createJob', 'enqueue', 'send'].includes(pc.prop)) || /jobOptions|JobOptions|queueOptions/i.test(pairKey + ' ' + declName);
    if (keys.has('backoff') || (keys.has('attempts') && queueish) || keys.has('retryBackoff') || (keys.has('retryLimit') && keys.has('retryDelay'))) { add('retry', 'queue-options', n); return; }
    const retryish = ['retries', 'maxRetries', 'maxAttempts', 'retry', 'attempts', 'retryCount', 'maxRetryCount'].some(k => keys.has(k));
    const delayish = ['factor', 'minTimeout', 'maxTimeout', 'minTimeoutInMs', 'maxTimeoutInMs', 'retryDelay', 'initialDelay', 'baseDelay', 'multiplier', 'jitter', 'randomize', 'delay', 'retryDelayMs', 'backoffMs', 'maxDelay', 'minDelay'].some(k => keys.has(k));
    if (retryish && delayish) add('retry', 'retry-options', n);
    // got / ky retry options inside a call config
    if (keys.has('retry') && parentCall) {
      const p = calleePath(parentCall); const b = mod(imports, p?.[0]);
      if (b && /^(got|ky)$/.test(b.module)) add('retry', `lib-${b.module}-retry-option`, keys.get('retry')!);
    }
  }

  // ------------------------------------------------------------ wall-clock
  function clockRead(n: Node): string | undefined {
    if (n.type === 'call_expression') {
      const p = calleePath(n);
      if (p?.length === 2 && p[0] === 'Date' && p[1] === 'now' && !mod(imports, 'Date')) return 'Date.now';
      if (p?.length === 2 && p[0] === 'Date' && p[1] === 'parse' && !mod(imports, 'Date')) return 'Date.parse';
      return undefined;
    }
    const p = calleePath(n);
    if (p?.length === 1 && p[0] === 'Date' && args(n).length === 0) return 'new Date';
    return undefined;
  }

  function onClock(read: Node, _what: string): void {
    const reaches: { kind: string; row: number }[] = [];
    const direct = ascend(read);
    if (direct.kind) reaches.push({ kind: direct.kind, row: direct.node.endPosition.row });
    else if (direct.track) {
      for (const ref of direct.track()) {
        const r = ascend(ref);
        if (r.kind) reaches.push({ kind: r.kind, row: r.node.endPosition.row });
      }
    }
    if (!reaches.length) return;
    const kinds = [...new Set(reaches.map(r => r.kind))].sort();
    const endRow = Math.max(read.endPosition.row, ...reaches.map(r => r.row));
    out.push({ line: read.startPosition.row + 1, endLine: endRow + 1, family: 'wall-clock', kind: kinds.join('+') });
  }

  /**
   * Climbs from a clock value through the expression it is part of: the first subtraction, comparison, string
   * building or sort it meets gives the kind; a declaration or an assignment gives the references to follow instead.
   */
  function ascend(start: Node): { kind?: string; node: Node; track?: () => Node[] } {
    let cur = start;
    for (let p = start.parent; p; cur = p, p = p.parent) {
      switch (p.type) {
        case 'parenthesized_expression': case 'as_expression': case 'non_null_expression': case 'satisfies_expression':
        case 'await_expression': case 'unary_expression': case 'ternary_expression': case 'type_assertion':
          continue;
        case 'member_expression': continue; // .getTime() / .valueOf() / .toString(36) / .toISOString()
        case 'call_expression': {
          if (same(p.childForFieldName('function'), cur)) continue;
          const cp = calleePath(p); const last = cp?.[cp.length - 1] ?? '';
          if (['String', 'Number', 'Math.floor', 'floor', 'round', 'trunc', 'ceil', 'parseInt', 'abs', 'max', 'min'].includes(last) || last === 'String') continue;
          return { node: p };
        }
        case 'arguments': {
          const call = p.parent;
          const cp = call ? calleePath(call) : undefined; const last = cp?.[cp.length - 1] ?? '';
          if (call && ['String', 'Number', 'floor', 'round', 'trunc', 'ceil', 'parseInt', 'abs', 'max', 'min', 'getTime'].includes(last)) continue;
          if (call?.type === 'new_expression' && cp?.join('.') === 'Date') continue; // new Date(Date.now() - x)
          if (/(^|[a-z])(Id|Key|Name|Uid|Uuid|Slug)$|^(id|key|name|uid|uuid|slug)$/.test(last)) return { kind: 'id', node: call! };
          return { node: p };
        }
        case 'binary_expression': {
          const op = p.childForFieldName('operator')?.text ?? '';
          if (op === '-') return { kind: 'subtraction', node: p };
          if (['<', '>', '<=', '>=', '==', '===', '!=', '!=='].includes(op)) return { kind: 'comparison', node: p };
          if (op === '+') {
            const other = same(p.childForFieldName('left'), cur) ? p.childForFieldName('right') : p.childForFieldName('left');
            const o = other ? unwrap(other) : undefined;
            if (o && (o.type === 'string' || o.type === 'template_string')) return { kind: 'id', node: p };
            continue; // deadline arithmetic: follow on
          }
          continue;
        }
        case 'template_substitution': return { kind: 'id', node: p.parent ?? p };
        case 'pair': {
          const k = p.childForFieldName('key')?.text ?? '';
          if (ID_NAME.test(k.replace(/['"]/g, ''))) return { kind: 'id', node: p };
          return { node: p };
        }
        case 'variable_declarator': {
          const nm = p.childForFieldName('name');
          if (nm?.type === 'identifier' && ID_NAME.test(nm.text)) return { kind: 'id', node: p };
          if (nm?.type !== 'identifier') return { node: p };
          const scope = enclosingFunction(p) ?? root;
          const name = nm.text;
          return { node: p, track: () => references(scope, name, p) };
        }
        case 'assignment_expression': case 'augmented_assignment_expression': {
          const left = p.childForFieldName('left');
          const lp = left ? memberPath(left) : undefined;
          if (!lp) return { node: p };
          if (ID_NAME.test(lp[lp.length - 1])) return { kind: 'id', node: p };
          if (lp.length === 1) { const scope = enclosingFunction(p) ?? root; return { node: p, track: () => references(scope, lp[0], p) }; }
          if (lp[0] === 'this') { const cls = classScope(p); return { node: p, track: () => memberReferences(cls ?? root, lp, p) }; }
          const scope = enclosingFunction(p) ?? root;
          return { node: p, track: () => memberReferences(scope, lp, p) };
        }
        case 'public_field_definition': case 'field_definition': {
          const nm = (p.childForFieldName('name') ?? p.childForFieldName('property'))?.text;
          const cls = classScope(p);
          if (!nm || !cls) return { node: p };
          return { node: p, track: () => memberReferences(cls, ['this', nm], p) };
        }
        default: {
          if (p.type === 'arrow_function' || isFunction(p)) return { node: p };
          if (p.type.endsWith('_statement') || p.type === 'statement_block' || p.type === 'program') {
            if (p.type === 'return_statement' || p.type === 'expression_statement' || p.type === 'if_statement' || p.type === 'while_statement') {
              // `if (Date.now() ...)` handled by binary_expression; a bare condition value is no reach
            }
            return { node: p };
          }
          if (p.type === 'array' && p.parent?.type === 'call_expression') return { node: p };
          if (p.type === 'sequence_expression' || p.type === 'spread_element') continue;
          return { node: p };
        }
      }
    }
    return { node: cur };
  }

  function classScope(n: Node): Node | undefined {
    for (let p = n.parent; p; p = p.parent) if (p.type === 'class_body') return p;
    return undefined;
  }

  function references(scope: Node, name: string, decl: Node): Node[] {
    const refs: Node[] = [];
    walk(scope, d => {
      if (d.type === 'identifier' && d.text === name && !(d.startIndex >= decl.startIndex && d.endIndex <= decl.endIndex)) refs.push(d);
      return true;
    });
    return refs.slice(0, 50);
  }
  function memberReferences(scope: Node, mp: string[], decl: Node): Node[] {
    const refs: Node[] = [];
    walk(scope, d => {
      if (d.type === 'member_expression' && !(d.startIndex >= decl.startIndex && d.endIndex <= decl.endIndex)) {
        const p = memberPath(d);
        if (p && p.length === mp.length && p.every((x, i) => x === mp[i])) refs.push(d);
      }
      return true;
    });
    return refs.slice(0, 50);
  }
}

// ---------------------------------------------------------------- repositories

export interface AnalysedFile { path: string; text: string }

/**
 * Test-like files that RULES v2 puts out of scope by any common naming (`*.<word>test.*`, `.e2e.` incl. `.e2e-ee.`,
 * `.itest.`, `*.stories.*`, folders test/tests/e2e/__e2e__/__mocks__/mocks/fixtures). The CLI may still analyse some
 * of them (its default excludes lag behind v2: a precision finding there is an fp); recall candidates there would all
 * be no-flag by contract, so the generator leaves them out.
 */
export const V2_OUT_OF_SCOPE = /\.(\w*test|e2e[\w-]*|itest|stories|spec|test)\.[cm]?[jt]sx?$|(^|\/)(test|tests|e2e|__e2e__|__tests__|__mocks__|mocks|fixtures|__fixtures__)\//;

/** The files the CLI analyses in a checkout (discovery, then its size / binary / generated checks), less V2_OUT_OF_SCOPE. */
export function analysedFileTexts(r: RepoEntry): AnalysedFile[] {
  const root = checkoutDir(r.repo);
  const { paths } = expandDirs(root, r.dirs);
  const out: AnalysedFile[] = [];
  for (const rel of discover(root, paths)) {
    if (V2_OUT_OF_SCOPE.test(rel)) continue;
    const read = readSourceFile(path.join(root, rel), 1_000_000);
    if (!read.ok) continue;
    if (generatedReason(read.text)) continue;
    out.push({ path: rel, text: read.text });
  }
  return out;
}

export async function generateRepo(r: RepoEntry): Promise<{ candidates: Candidate[]; files: number; errors: string[] }> {
  await initParser();
  await Promise.all((['typescript', 'tsx', 'javascript'] as const).map(l => loadLanguage(l)));
  const files = analysedFileTexts(r);
  const seen = new Map<string, Candidate>();
  const errors: string[] = [];
  for (const f of files) {
    let raw: RawCandidate[];
    try { raw = generateForText(f.text, f.path); } catch (e) { errors.push(`${f.path}: ${(e as Error).message}`); continue; }
    for (const c of raw) {
      const id = stableId([r.repo, f.path, c.line, c.family, c.kind]);
      const prev = seen.get(id);
      if (prev) { prev.endLine = Math.max(prev.endLine, c.endLine); continue; }
      seen.set(id, { id, repo: r.repo, commit: r.commit, path: f.path, line: c.line, endLine: c.endLine, family: c.family, kind: c.kind, half: r.split, ...(c.webhook ? { webhook: true } : {}) } as Candidate);
    }
  }
  const candidates = [...seen.values()].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.family.localeCompare(b.family) || a.kind.localeCompare(b.kind));
  return { candidates, files: files.length, errors };
}

export async function candidatesCommand(o: { repos: string[]; samples: boolean }): Promise<number> {
  const repos = loadRepos().repos.filter(r => !o.repos.length || repoMatches(r, o.repos));
  const all: Candidate[] = [];
  const perRepo: (string | number)[][] = [['repo', 'half', 'files', ...FAMILIES]];
  for (const r of repos) {
    const t0 = performance.now();
    const { candidates, files, errors } = await generateRepo(r);
    all.push(...candidates);
    perRepo.push([r.repo, r.split, files, ...FAMILIES.map(f => candidates.filter(c => c.family === f).length)]);
    process.stderr.write(`candidates: ${r.repo.padEnd(32)} ${String(files).padStart(5)} files ${String(candidates.length).padStart(6)} candidates ${((performance.now() - t0) / 1000).toFixed(1)} s${errors.length ? ` (${errors.length} files failed: ${errors[0]})` : ''}\n`);
  }
  writeJsonl(CANDIDATES_FILE, all);
  process.stdout.write(table(perRepo, 2) + '\n\n');
  const kinds = new Map<string, number>();
  for (const c of all) kinds.set(`${c.family} ${c.half} ${c.kind}`, (kinds.get(`${c.family} ${c.half} ${c.kind}`) ?? 0) + 1);
  process.stdout.write(table([['family', 'half', 'kind', 'candidates'], ...[...kinds].sort().map(([k, n]) => [...k.split(' '), n])], 3) + '\n');
  process.stdout.write(`\nall candidates: ${CANDIDATES_FILE} (${all.length})\n`);
  if (!o.samples) return 0;
  if (o.repos.length) { process.stderr.write('candidates: --repos given, samples not rewritten (they are drawn over all repositories)\n'); return 0; }
  writeRecallSamples(ofRound(all, 1));
  return 0;
}

/** The candidates of the repositories of one round (round 1 = the 19 the split was drawn over; see repos.json `round`). */
export function ofRound(all: Candidate[], round: number, repos = loadRepos().repos): Candidate[] {
  const keep = new Set(repos.filter(r => roundOf(r) === round).map(r => r.repo));
  return all.filter(c => keep.has(c.repo));
}

/** The seeded recall sample: per family and half, the RECALL_PER_FAMILY_HALF candidates with the smallest seeded rank. */
export function drawRecallSample(all: Candidate[], perCell = RECALL_PER_FAMILY_HALF, seed = RECALL_SEED): Map<Family, Candidate[]> {
  const m = new Map<Family, Candidate[]>();
  for (const fam of FAMILIES) {
    const rows: Candidate[] = [];
    for (const half of HALVES) rows.push(...seededSample(all.filter(c => c.family === fam && c.half === half), c => c.id, seed, perCell));
    m.set(fam, rows);
  }
  return m;
}

function writeRecallSamples(all: Candidate[]): void {
  fs.mkdirSync(SAMPLES_DIR, { recursive: true });
  const summary: Record<string, unknown> = {
    seed: RECALL_SEED, perFamilyHalf: RECALL_PER_FAMILY_HALF,
    how: 'per family and half, the candidates with the smallest sha256(seed + NUL + candidate id); candidates from `npm run ecosystem -- candidates` (syntax only, no analyzer)',
    population: Object.fromEntries(FAMILIES.map(f => [f, Object.fromEntries(HALVES.map(h => [h, all.filter(c => c.family === f && c.half === h).length]))])),
  };
  for (const [fam, rows] of drawRecallSample(all)) {
    writeJsonl(path.join(SAMPLES_DIR, `recall-${fam}.jsonl`), rows);
    process.stdout.write(`samples/recall-${fam}.jsonl: ${rows.length} (${HALVES.map(h => `${h} ${rows.filter(r => r.half === h).length}`).join(', ')})\n`);
  }
  fs.writeFileSync(path.join(SAMPLES_DIR, 'recall-summary.json'), JSON.stringify(summary, null, 2) + '\n');
}

/**
 * `extra-samples [--n N]`: the extended recall sample of the TUNING half only, for rule tuners: per family, the
 * candidates of seeded rank 41..40+N (same seed, same candidates file as the main sample, so it never overlaps it).
 * Written to samples/recall-extra-<family>.jsonl with `sample: "extra"`. Held-out repositories get no extended
 * sample: their 40 per family stay the only held-out recall evidence, and nobody tunes on them.
 */
/** Per family, the tuning candidates of seeded rank perCell+1..perCell+n, in rank order (label them in file order). */
export function drawExtraSample<S extends 'extra' | 'xh' = 'extra'>(all: Candidate[], n: number, perCell = RECALL_PER_FAMILY_HALF, seed = RECALL_SEED, half: Half = 'tuning', sample: S = 'extra' as S): Map<Family, (Candidate & { sample: S })[]> {
  const m = new Map<Family, (Candidate & { sample: S })[]>();
  for (const fam of FAMILIES) {
    const ranked = seededSample(all.filter(c => c.family === fam && c.half === half), c => c.id, seed, perCell + n);
    m.set(fam, ranked.slice(perCell).map(c => ({ ...c, sample })));
  }
  return m;
}

export function extraSamplesCommand(o: { n?: number; round?: number; half?: Half }): number {
  const n = o.n ?? RECALL_EXTRA_PER_FAMILY;
  const every = readJsonl<Candidate>(CANDIDATES_FILE);
  if (!every.length) throw new Error(`no candidates in ${CANDIDATES_FILE}: run \`npm run ecosystem -- candidates\` first`);
  if (o.round && o.round !== 1) return roundSampleCommand(every, o.round, n);
  const all = ofRound(every, 1);
  if (o.half === 'heldout') {
    for (const [fam, rows] of drawExtraSample(all, n, RECALL_PER_FAMILY_HALF, RECALL_SEED, 'heldout', 'xh')) {
      writeJsonl(path.join(SAMPLES_DIR, `recall-xh-${fam}.jsonl`), rows);
      process.stdout.write(`samples/recall-xh-${fam}.jsonl: ${rows.length} held-out candidates (seeded ranks ${RECALL_PER_FAMILY_HALF + 1}..${RECALL_PER_FAMILY_HALF + rows.length})\n`);
    }
    return 0;
  }
  const extra = drawExtraSample(all, n);
  for (const fam of FAMILIES) {
    const rows = extra.get(fam)!;
    writeJsonl(path.join(SAMPLES_DIR, `recall-extra-${fam}.jsonl`), rows);
    process.stdout.write(`samples/recall-extra-${fam}.jsonl: ${rows.length} tuning candidates (seeded ranks ${RECALL_PER_FAMILY_HALF + 1}..${RECALL_PER_FAMILY_HALF + n})\n`);
  }
  return 0;
}

/**
 * `extra-samples --round 2 [--n N]`: the recall sample of the round-2 repositories (tuning-only additions): per family,
 * their N candidates with the smallest seeded rank (same seed), in rank order, to samples/recall-r2-<family>.jsonl
 * with `sample: "r2"`. Round-1 samples are drawn without these repositories, so adding them changed none of them.
 */
export function drawRoundSample(all: Candidate[], n: number, seed = RECALL_SEED): Map<Family, (Candidate & { sample: 'r2' })[]> {
  const m = new Map<Family, (Candidate & { sample: 'r2' })[]>();
  for (const fam of FAMILIES) m.set(fam, seededSample(all.filter(c => c.family === fam && c.half === 'tuning'), c => c.id, seed, n).map(c => ({ ...c, sample: 'r2' as const })));
  return m;
}

function roundSampleCommand(every: Candidate[], round: number, n: number): number {
  if (round !== 2) throw new Error(`round ${round}: only round 2 has a sample file`);
  const all = ofRound(every, round);
  if (!all.length) throw new Error(`no round-${round} candidates in ${CANDIDATES_FILE}: run \`npm run ecosystem -- candidates\` over every repository first`);
  for (const [fam, rows] of drawRoundSample(all, n)) {
    writeJsonl(path.join(SAMPLES_DIR, `recall-r2-${fam}.jsonl`), rows);
    process.stdout.write(`samples/recall-r2-${fam}.jsonl: ${rows.length} of ${all.filter(c => c.family === fam).length} round-2 candidates (seeded ranks 1..${n})\n`);
  }
  return 0;
}
