/**
 * wall-clock-ordering, sub-kind 2: a clock reading that ends up as an id or a key (warning; fix:
 * `crypto.randomUUID()`). `idContext` also tells versions and sequence numbers (./versions.ts).
 */
import type { Node } from '../../core/parser';
import type { Fix } from '../../core/types';
import { unwrap, memberPath, callArgs, keyName, contains } from '../../core/ast';
import { replaceNodeEdit } from '../../core/edits';
import type { ClockAnalysis, ClockRead } from './clock';
import { skipParensUp, isCallTo, escapeRe, enclosingFunctionOf, functionName } from './syntax';
import { NOT_DURATION_RE, ID_RE, NOT_ID_RE, VERSION_RE, RANDOMISH_RE, ID_FN_RE, QUALIFIED_ID_FN_RE, NOT_ID_FN_RE } from './names';
import { ID_LINKS, IDEMPOTENCY_KEY_LINKS } from './links';

export interface IdContext {
  name: string; replace: Node; kind: 'id' | 'key' | 'version'; hop?: boolean;
  /** A file name, path or storage key; a machine resource name; a fallback for a sequence or an index. */
  file?: boolean; resource?: boolean; fallback?: boolean;
}

const FILE_EXT_RE = /\.(json|txt|log|csv|tsv|png|jpe?g|gif|webp|svg|zip|gz|tgz|tar|sql|bak|md|html?|js|mjs|cjs|ts|py|sh|pdf|xml|ya?ml|db|sqlite|dump|out|tmp|wav|mp[34]|webm|bin|dat|heapsnapshot)\b/i;
/** Files named for people: logs, backups, exports, reports, dumps, snapshots. */
const HUMAN_FILE_RE = /backup|dump|export|report|(^|[^a-z])logs?([^a-z]|$)|snapshot|archive|heap|screenshot|download|invoice|statement/i;
const HUMAN_DOC_RE = /\.(csv|tsv|xlsx?|pdf|docx?|html?)\b/i;
/** Receivers of a file name or storage key. */
const FILE_NAME_RE = /key|path|file|name|dest|target|tmp|temp|upload|object|blob|location|dir|folder|prefix|module/i;
/** Calls that take a file name or storage key first. */
const FILE_SINK_RE = /^(upload\w*|put\w*|write\w*|createWriteStream|mkdtemp\w*|create\w*(File|Temp)\w*|tmp\w*|temp\w*|save\w*|store\w*|copy\w*|rename\w*|open\w*|import)$/i;
/** Names of machine resources (queues, jobs, buckets, requests...), beside ids and keys. */
const RESOURCE_NAME_RE = /^(name|[a-z]\w*Name|[a-z]\w*_name)$/;
/** What a clock fallback stands in for: a sequence number, an index, an order. */
const FALLBACK_SEQ_RE = /seq|sequence|index|idx|chunk|part|order|position|offset|counter|number|num$|no$|version|revision|rev$/i;

export function checkIds(a: ClockAnalysis): void {
  for (const r of a.reads.values()) {
    const ctxInfo = idContext(a, r);
    if (!ctxInfo || ctxInfo.kind === 'version') continue;
    const { name, replace, kind } = ctxInfo;
    if (/idempot/i.test(name)) {
      a.report(r.expr, 'id', `wall-clock time in an idempotency key (\`${name}\`): a retry gets a new key, so the duplicate is not recognised (and two requests in the same millisecond share one); derive the key from the request or operation id`, [], undefined, IDEMPOTENCY_KEY_LINKS.incidents, IDEMPOTENCY_KEY_LINKS.patterns);
    } else {
      const uuid = ctxInfo.hop ? undefined : uuidExpr(a);
      const fixes: Fix[] = uuid ? [{ title: `Use \`${uuid}\` for the id`, edits: [replaceNodeEdit(replace, uuid)], safety: 'unsafe', isPreferred: true }] : [];
      const what = ctxInfo.file ? 'a file name or storage key made unique with the wall clock'
        : ctxInfo.resource ? 'a resource name made unique with the wall clock'
          : `wall-clock time used as ${kind === 'key' ? 'a key' : 'an id'}`;
      const harm = ctxInfo.file ? 'two uploads or runs in the same millisecond, on two machines, or after the clock steps back get the same name and overwrite each other'
        : 'two calls in the same millisecond, on two machines, or after the clock steps back get the same value';
      a.report(r.expr, 'id', `${what} (\`${name}\`): ${harm}; use a random UUID`, fixes, undefined, ID_LINKS.incidents, ID_LINKS.patterns);
    }
  }
}

/** Whether the clock read ends up as an id/key/version, and what to replace for the fix (memoised per read). */
export function idContext(a: ClockAnalysis, r: ClockRead): IdContext | undefined {
  return a.once('idContext', r.expr, () => findIdContext(a, r));
}

function findIdContext(a: ClockAnalysis, r: ClockRead): IdContext | undefined {
  const read = skipParensUp(r.expr);
  const direct = idContextAt(a, r, read, true);
  if (direct) return direct;
  // one hop through a `const` that holds the (scaled) reading under a name that is not an id itself:
  // `const ts = new Date() / 1000; const sequence = Math.floor(ts * 1000)`, `const now = Date.now(); o.id = now`
  const held = climbScaling(a, read);
  const d = held.parent;
  if (d?.type !== 'variable_declarator' || d.childForFieldName('value')?.startIndex !== held.startIndex) return undefined;
  const nameNode = d.childForFieldName('name');
  if (nameNode?.type !== 'identifier' || d.parent?.type !== 'lexical_declaration' || !/^const\b/.test(d.parent.text)) return undefined;
  const heldNumeric = r.numeric || held !== read;
  const scope = enclosingFunctionOf(d) ?? a.ctx.root;
  const re = new RegExp(`(?<![\\w$.])${escapeRe(nameNode.text)}(?![\\w$])`, 'g');
  const text = a.ctx.text;
  re.lastIndex = d.endIndex;
  for (let m = re.exec(text); m && m.index < scope.endIndex; m = re.exec(text)) {
    if (!a.ctx.inRegion(m.index)) continue;
    const ref = a.ctx.root.descendantForIndex(m.index);
    if (!ref || ref.type !== 'identifier' || ref.text !== nameNode.text) continue;
    if (a.declaratorOf(nameNode.text, ref)?.startIndex !== d.startIndex) continue;
    const hop = idContextAt(a, r, skipParensUp(ref), false, heldNumeric);
    if (hop) return { ...hop, hop: true };
  }
  return undefined;
}

/** `Math.floor(x)`, `Math.round(x)`, `Math.trunc(x)`, `x * 1000`, `x / 1000` around n: a change of unit keeps the clock's value. */
function climbScaling(a: ClockAnalysis, n: Node): Node {
  let x = n;
  for (let i = 0; i < 4; i++) {
    const p = x.parent;
    if (!p) break;
    if (p.type === 'arguments' && p.parent && callArgs(p.parent).length === 1 && /^Math\.(floor|round|trunc)$/.test(memberPath(p.parent.childForFieldName('function'))?.join('.') ?? '')) { x = skipParensUp(p.parent); continue; }
    if (p.type === 'binary_expression' && /^[*/]$/.test(p.childForFieldName('operator')?.type ?? '')) {
      const other = p.childForFieldName('left')?.startIndex === x.startIndex ? p.childForFieldName('right') : p.childForFieldName('left');
      if (unwrap(other)?.type === 'number') { x = skipParensUp(p); continue; }
    }
    break;
  }
  return x;
}

/** The id/key/version context of the value at `start`: a clock read, or (one hop) a reference to a `const` holding one. */
function idContextAt(a: ClockAnalysis, r: ClockRead, start: Node, atRead: boolean, heldNumeric = r.numeric): IdContext | undefined {
  let x: Node = climbScaling(a, start);
  const scaled = x !== start;
  let replace = x;
  let composite = false;
  let fileish = false;
  let fallback = false;
  // String(x), x.toString(), `${x}`, 'a' + x, path.join(dir, `${x}-${name}`), `seq ?? Date.now()`
  for (let i = 0; i < 7; i++) {
    const p = x.parent;
    if (!p) break;
    if (p.type === 'binary_expression' && /^(\?\?|\|\|)$/.test(p.childForFieldName('operator')?.type ?? '') && p.childForFieldName('right')?.startIndex === x.startIndex && !composite && r.numeric && atRead) {
      fallback = true; x = skipParensUp(p); replace = x; continue;
    }
    if (composite && p.type === 'arguments' && p.parent?.type === 'call_expression' && /^(path\.)?(posix\.)?(join|resolve)$/.test(memberPath(p.parent.childForFieldName('function'))?.join('.') ?? '')) {
      fileish = true; x = skipParensUp(p.parent); continue;
    }
    if (p.type === 'arguments' && isCallTo(p.parent, 'String')) { x = skipParensUp(p.parent!); if (!composite) replace = x; continue; }
    if (p.type === 'member_expression' && p.childForFieldName('property')?.text === 'toString' && p.parent?.type === 'call_expression') {
      if (callArgs(p.parent).length) composite = true; // toString(36): part of a home-made id
      x = skipParensUp(p.parent); if (!composite) replace = x; continue;
    }
    if (p.type === 'template_substitution' && p.parent?.type === 'template_string') { composite = true; x = skipParensUp(p.parent); continue; }
    if (p.type === 'binary_expression' && p.childForFieldName('operator')?.type === '+' && (composite || /['"`]/.test(p.text) || (atRead ? r.numeric : heldNumeric) === false)) {
      composite = true; x = skipParensUp(p); continue;
    }
    break;
  }
  if (!heldNumeric && !composite && !scaled && replace === start) {
    // a Date object as an id is odd enough to be something else (a default value, a field type)
    return undefined;
  }
  if (composite) {
    const t = x.text;
    // randomness or a counter beside the time: unique enough; cache-busters; file names
    if (RANDOMISH_RE.test(t)) return undefined;
    // through a `const`, the other parts are often variables too (`${rand}-${ts}`): the whole function must be free of randomness
    if (!atRead && RANDOMISH_RE.test(a.textOf(enclosingFunctionOf(start) ?? a.ctx.root))) return undefined;
    const before = t.slice(0, Math.max(0, r.expr.startIndex - x.startIndex));
    if (/[?&=]/.test(before) || /[?&]\w*=?$/.test(before)) return undefined;
    if (FILE_EXT_RE.test(t) || /[\\/]/.test(before)) fileish = true;
    // log, backup, export and report files are named for people to read: time-ordered names are the point
    if (fileish && HUMAN_FILE_RE.test(t)) return undefined;
    // documents handed to people (a CSV or PDF download) unless they go to storage or a temp dir
    if (fileish && HUMAN_DOC_RE.test(t) && !/tmp|temp|upload|key|bucket/i.test(t)) return undefined;
  }
  const p = x.parent;
  if (!p) return undefined;
  let name: string | undefined;
  let kind: 'id' | 'key' | 'version' | undefined;
  if (p.type === 'variable_declarator' && p.childForFieldName('value')?.startIndex === x.startIndex) {
    name = p.childForFieldName('name')?.type === 'identifier' ? p.childForFieldName('name')!.text : undefined;
  } else if (p.type === 'pair' && p.childForFieldName('value')?.startIndex === x.startIndex) {
    name = keyName(p.childForFieldName('key'));
    // query-string / header objects: `{ params: { v: Date.now() } }` is a cache-buster
    const outer = p.parent ? skipParensUp(p.parent).parent : null;
    const holderName = outer?.type === 'pair' ? keyName(outer.childForFieldName('key')) : outer?.type === 'variable_declarator' ? outer.childForFieldName('name')?.text : undefined;
    if (/^(params|query|qs|search_?params|headers|search|query_?params|url_?params)$/i.test(holderName ?? '')) return undefined;
  } else if (p.type === 'assignment_expression' && p.childForFieldName('right')?.startIndex === x.startIndex) {
    const l = memberPath(p.childForFieldName('left'));
    name = l?.[l.length - 1];
  } else if ((p.type === 'public_field_definition' || p.type === 'field_definition') && p.childForFieldName('value')?.startIndex === x.startIndex) {
    name = keyName(p.childForFieldName('name') ?? p.childForFieldName('property'));
  } else if (p.type === 'subscript_expression' && p.childForFieldName('index')?.startIndex === x.startIndex) {
    const up = skipParensUp(p).parent;
    if (up?.type === 'assignment_expression' && unwrap(up.childForFieldName('left'))?.startIndex === p.startIndex) { name = `${p.childForFieldName('object')?.text}[…]`; kind = 'key'; }
  } else if (p.type === 'arguments' && p.namedChild(0)?.startIndex === x.startIndex && callArgs(p.parent!).length >= 2) {
    const fn = p.parent?.childForFieldName('function');
    const prop = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
    const obj = fn?.type === 'member_expression' ? fn.childForFieldName('object')?.text ?? '' : '';
    if ((prop === 'set' || prop === 'setItem') && !/header|param|search|cookie|attribute|style|form/i.test(obj)) { name = `${obj}.${prop}(…)`; kind = 'key'; }
    else if (fileish && FILE_SINK_RE.test(prop ?? fn?.text ?? '')) { name = `${fn!.text}(…)`; kind = 'key'; }
  } else if (p.type === 'arguments' && callArgs(p.parent!).length === 2 && callArgs(p.parent!)[1].startIndex === x.startIndex && unwrap(callArgs(p.parent!)[0])?.type === 'null') {
    // multer's `filename: (req, file, cb) => cb(null, name)` / multer-s3's `key`: the upload's storage name
    const f = enclosingFunctionOf(p);
    const holder = f ? skipParensUp(f).parent : null;
    const key = holder?.type === 'pair' ? keyName(holder.childForFieldName('key')) : f ? functionName(f) : undefined;
    if (key && /^(filename|key|fileName|destination)$/.test(key) && p.parent?.childForFieldName('function')?.type === 'identifier') { name = key; kind = 'key'; fileish = true; }
  } else if (p.type === 'arguments' && p.namedChild(0)?.startIndex === x.startIndex && fileish) {
    const fn = p.parent?.childForFieldName('function');
    const callee = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text ?? '' : fn?.text ?? '';
    if (FILE_SINK_RE.test(callee)) { name = `${fn!.text}(…)`; kind = 'key'; }
  } else if (p.type === 'return_statement' || (p.type === 'arrow_function' && p.childForFieldName('body')?.startIndex === x.startIndex)) {
    const f = p.type === 'arrow_function' ? p : enclosingFunctionOf(p);
    const fname = f ? functionName(f) : undefined;
    if (fname && (ID_FN_RE.test(fname) || (QUALIFIED_ID_FN_RE.test(fname) && !NOT_ID_FN_RE.test(fname)))) { name = `${fname}()`; kind = 'id'; }
  }
  if (!name) return undefined;
  if (fallback) {
    // `seq ?? Date.now()`: the clock stands in for a sequence or an index
    if (!FALLBACK_SEQ_RE.test(name)) return undefined;
    return { name, replace, kind: 'version', fallback: true };
  }
  if (fileish && !kind) {
    // an object-storage / upload key, a temporary file or a module name made unique with the clock
    if (!FILE_NAME_RE.test(name) && !ID_RE.test(name) && !/tmp|temp|upload/i.test(x.text)) return undefined;
    if (NOT_DURATION_RE.test(name) && /cache/i.test(name)) return undefined;
    return { name, replace, kind: 'key', file: true };
  }
  if (fileish && kind === 'key') return { name, replace, kind, file: true };
  // a record's own `name` property (`{ name: `read-${file}-${Date.now()}` }`, `req.name = …`) is an attribute the service
  // shows; the record's identity is its id. A qualified name (`queueName`, `bucketName`) or a variable is the identity.
  const attribute = name === 'name' && (p.type === 'pair' || p.type === 'assignment_expression');
  if (composite && !kind && RESOURCE_NAME_RE.test(name) && !attribute && !/\s/.test(x.text.replace(/\$\{[^}]*\}/g, ''))) {
    // a machine name made unique with the clock (`name: `read-${file}-${Date.now()}``), not a title for people
    return { name, replace, kind: 'key', resource: !/file|path|dir|tmp|temp|upload/i.test(name), file: /file|path|dir|tmp|temp|upload/i.test(name) };
  }
  if (!kind) {
    if (NOT_DURATION_RE.test(name) && /cache/i.test(name)) return undefined;
    if (VERSION_RE.test(name)) kind = 'version';
    else if (ID_RE.test(name) && !NOT_ID_RE.test(name)) kind = /key$/i.test(name) ? 'key' : 'id';
    else return undefined;
  }
  if (kind === 'version' && /cache|asset|build|bust/i.test(name)) return undefined;
  return { name, replace, kind };
}

/** `crypto.randomUUID()` as it compiles here: Node's crypto import, a named import, or the global Web Crypto. */
function uuidExpr(a: ClockAnalysis): string | undefined {
  const { facts } = a.ctx;
  const named = [...facts.bindings.entries()].find(([, b]) => /^(node:)?crypto$/.test(b.module) && b.imported === 'randomUUID');
  if (named && !facts.declarations.get(named[0])?.some(d => !contains(d, named[1].node))) return `${named[0]}()`;
  const c = facts.bindings.get('crypto');
  if (c) return /^(node:)?crypto$/.test(c.module) && (c.imported === '*' || c.imported === 'default' || c.imported === 'webcrypto') ? 'crypto.randomUUID()' : 'globalThis.crypto.randomUUID()';
  if (facts.declarations.has('crypto')) return 'globalThis.crypto.randomUUID()';
  return 'crypto.randomUUID()';
}
