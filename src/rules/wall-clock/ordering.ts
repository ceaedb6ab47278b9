/**
 * wall-clock-ordering, sub-kind 4: ordering and conflict resolution by record timestamps: last-write-wins on
 * `updatedAt`-like fields, and events from several sources sorted by timestamp to be processed in that order
 * (warning, no fix).
 */
import type { Node } from '../../core/parser';
import { unwrap, memberPath, callArgs, FUNCTION_TYPES } from '../../core/ast';
import type { ClockAnalysis } from './clock';
import { skipParensUp, isRelational, escapeRe, shortText, enclosingFunctionOf, functionName, recordStamp, accessorStamp, sortKey, insideSortComparator, containsJsx } from './syntax';
import { LWW_PROP_RE, SORT_PROP_RE, STREAM_NAME_RE, APPLY_RE, RESOLVE_FN_RE, VERDICT_VAR_RE, WRITE_RE } from './names';
import { ORDERING_LINKS } from './links';

/** `a.updatedAt > b.updatedAt` deciding which write wins. */
export function checkLastWriteWins(a: ClockAnalysis): void {
  for (const cmp of a.located.cmps) {
    const op = cmp.childForFieldName('operator')?.type;
    if (!isRelational(op)) continue;
    const l = recordStamp(cmp.childForFieldName('left')) ?? accessorStamp(cmp.childForFieldName('left'));
    const r = recordStamp(cmp.childForFieldName('right')) ?? accessorStamp(cmp.childForFieldName('right'));
    if (!l || !r) continue;
    if (l.accessor || r.accessor) {
      // same accessor on two records; not file stamps (`mtime(src) > mtime(dest)` is a build check on one machine)
      if (l.prop !== r.prop || /mtime|file|stat|path/i.test(l.prop) || /file|path|src|dest|dst|stat|dir|target|source/i.test(l.object + ' ' + r.object)) continue;
    }
    else if (!LWW_PROP_RE.test(l.prop) || !LWW_PROP_RE.test(r.prop)) continue;
    if (l.object === r.object) continue;
    if (insideSortComparator(cmp)) continue;
    if (insideReduceOver(cmp, [l.object, r.object])) continue;
    if (!decidesAWrite(a, cmp, [l.object, r.object])) continue;
    a.report(cmp, 'lastWriteWins', `last-write-wins by wall-clock timestamps (\`${shortText(a.textOf(cmp))}\`): clocks on different machines disagree and can step back, so an older write can overwrite a newer one; use a version counter or a hybrid logical clock`, [], undefined, ORDERING_LINKS.incidents, ORDERING_LINKS.patterns);
  }
}

function decidesAWrite(a: ClockAnalysis, cmp: Node, objects: string[]): boolean {
  let n: Node = skipParensUp(cmp);
  for (let i = 0; i < 6 && n.parent; i++) {
    const p: Node = n.parent;
    if (p.type === 'binary_expression' && /^(&&|\|\|)$/.test(p.childForFieldName('operator')?.type ?? '')) { n = skipParensUp(p); continue; }
    if (p.type === 'unary_expression' && p.childForFieldName('operator')?.type === '!') { n = skipParensUp(p); continue; }
    if (p.type === 'parenthesized_expression') { n = p; continue; }
    if (p.type === 'if_statement' && p.childForFieldName('condition')?.startIndex === n.startIndex) {
      // the branch keeps or drops a write (`save(incoming)`, `current = incoming`, `return` as a stale guard),
      // not a UI effect like `showNewBadge()`
      const body = p.childForFieldName('consequence');
      return !!body && WRITE_RE.test(a.textOf(body));
    }
    if (p.type === 'ternary_expression' && p.childForFieldName('condition')?.startIndex === n.startIndex) {
      const roots = objects.map(o => o.split(/[.[]/)[0]);
      const branch = (f: string) => { const b = unwrap(p.childForFieldName(f)); const t = b?.text ?? ''; return objects.includes(t) || roots.includes(t); };
      return branch('consequence') && branch('alternative');
    }
    if (p.type === 'variable_declarator' && p.childForFieldName('value')?.startIndex === n.startIndex) {
      // the verdict then picks one of the records (`v ? local : remote`) or guards a write (`if (v) save(x)`)
      const name = p.childForFieldName('name');
      if (name?.type !== 'identifier' || !VERDICT_VAR_RE.test(name.text)) return false;
      const scope = enclosingFunctionOf(p) ?? a.ctx.root;
      const after = a.ctx.text.slice(p.endIndex, scope.endIndex);
      const v = escapeRe(name.text);
      const alts = objects.map(escapeRe).join('|');
      if (new RegExp(`(?<![\\w$.])${v}\\s*\\?\\s*(${alts})\\s*:\\s*(${alts})(?![\\w$])`).test(after)) return true;
      const g = new RegExp(`\\bif\\s*\\(\\s*!?\\s*${v}\\s*\\)([^\\n]*\\n?){1,3}`).exec(after);
      return !!g && WRITE_RE.test(g[0].replace(/^if\s*\([^)]*\)/, ''));
    }
    if (p.type === 'return_statement' || (p.type === 'arrow_function' && p.childForFieldName('body')?.startIndex === n.startIndex)) {
      const f = p.type === 'arrow_function' ? p : enclosingFunctionOf(p);
      const name = f ? functionName(f) : undefined;
      return !!name && RESOLVE_FN_RE.test(name);
    }
    break;
  }
  return false;
}

/** Events/messages from several sources sorted by timestamp to be processed in that order. */
export function checkSorts(a: ClockAnalysis): void {
  if (a.ctx.lang === 'tsx' || /\.jsx$/i.test(a.ctx.file)) return; // UI code: sorting for display
  for (const call of a.located.sorts) {
    const cmpFn = callArgs(call)[0];
    if (!cmpFn || !FUNCTION_TYPES.has(cmpFn.type)) continue;
    const params = (cmpFn.childForFieldName('parameters')?.namedChildren ?? []).filter((c): c is Node => !!c).map(c => (c.childForFieldName('pattern') ?? c).text);
    if (params.length !== 2) continue;
    const body = a.textOf(cmpFn.childForFieldName('body') ?? cmpFn);
    const prop = sortKey(body, params[0], params[1]);
    if (!prop || !SORT_PROP_RE.test(prop)) continue;
    const fn = call.childForFieldName('function')!;
    const recv = unwrap(fn.childForFieldName('object'));
    if (!recv) continue;
    if (containsJsx(enclosingFunctionOf(call) ?? a.ctx.root, a.ctx.text)) continue;
    const merged = isMerged(a, recv);
    const recvName = recv.type === 'identifier' ? recv.text : memberPath(recv)?.join('.') ?? '';
    const processed = processedInOrder(a, call, recv);
    // (pass 4) newest first (`b.date - a.date`): the order a list is shown in; events replayed in causal order are
    // sorted oldest first
    if (!processed && descending(body, params[0], params[1])) continue;
    if (!(merged || (processed && STREAM_NAME_RE.test(recvName)))) continue;
    if (!processed && !STREAM_NAME_RE.test(recvName + ' ' + (merged ? a.textOf(recv) : ''))) continue;
    a.report(call, 'sortByTimestamp', `events ordered by wall-clock timestamps (\`.${fn.childForFieldName('property')?.text}\` by \`${prop}\`): clocks on different sources disagree and can step back, so events are processed out of causal order; use a logical clock or a per-source sequence number`, [], undefined, ORDERING_LINKS.incidents, ORDERING_LINKS.patterns);
  }
}

/** The comparator reads its second parameter first: `(a, b) => b.ts - a.ts`. */
function descending(body: string, first: string, second: string): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(first) || !/^[A-Za-z_$][\w$]*$/.test(second)) return false;
  const at = (x: string) => body.search(new RegExp(`(?<![\\w$.])${escapeRe(x)}(?![\\w$])`));
  const i = at(first), j = at(second);
  return j >= 0 && i >= 0 && j < i;
}

/**
 * (pass 4) The comparison sits in a `.reduce` callback over the two compared records (the accumulator and the
 * element): picking the newest of several records, like `reduce((a, b) => a.ts > b.ts ? a : b)` (round 3), is how
 * code picks the latest one to show or report, not a write that one machine's clock decides.
 */
function insideReduceOver(cmp: Node, objects: string[]): boolean {
  const f = enclosingFunctionOf(cmp);
  const args = f ? skipParensUp(f).parent : null;
  const call = args?.type === 'arguments' ? args.parent : null;
  const callee = call?.type === 'call_expression' ? unwrap(call.childForFieldName('function')) : null;
  if (callee?.type !== 'member_expression' || !/^reduce(Right)?$/.test(callee.childForFieldName('property')?.text ?? '')) return false;
  const params = (f!.childForFieldName('parameters')?.namedChildren ?? []).filter((c): c is Node => !!c).slice(0, 2).map(c => (c.childForFieldName('pattern') ?? c).text);
  const roots = objects.map(o => o.split(/[.[(]/)[0]);
  return params.length === 2 && roots.every(r => params.includes(r));
}

function isMerged(a: ClockAnalysis, recv: Node | null, depth = 0): boolean {
  const u = unwrap(recv);
  if (!u || depth > 2) return false;
  if (u.type === 'array') return u.namedChildren.filter(c => c?.type === 'spread_element').length >= 2;
  if (u.type === 'call_expression') {
    const f = u.childForFieldName('function');
    const prop = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : undefined;
    if (prop === 'concat' && callArgs(u).length >= 1) return true;
    if (prop === 'flat' || prop === 'flatMap') return true;
    if (prop === 'slice' || prop === 'filter') return isMerged(a, f!.childForFieldName('object'), depth + 1);
    return false;
  }
  if (u.type === 'identifier') {
    const d = a.ctx.facts.constDeclarator(u.text, u) ?? a.declaratorOf(u.text, u);
    const v = d?.childForFieldName('value');
    return v ? isMerged(a, v, depth + 1) : false;
  }
  return false;
}

function processedInOrder(a: ClockAnalysis, call: Node, recv: Node): boolean {
  const up = skipParensUp(call);
  const p = up.parent;
  // for (const e of xs.sort(...)) apply(e)
  if (p?.type === 'for_in_statement' && p.childForFieldName('right')?.startIndex === up.startIndex) return APPLY_RE.test(a.textOf(p.childForFieldName('body') ?? p));
  // xs.sort(...).forEach(apply) / .reduce(apply, s)
  if (p?.type === 'member_expression' && /^(forEach|reduce|map)$/.test(p.childForFieldName('property')?.text ?? '') && p.parent?.type === 'call_expression') {
    const args = a.textOf(p.parent.childForFieldName('arguments') ?? p.parent);
    return APPLY_RE.test(args) || /^\(\s*(apply|process|handle|replay|dispatch|emit|ingest|consume)\w*\s*[,)]/.test(args) || p.childForFieldName('property')?.text === 'reduce';
  }
  // xs.sort(...); for (const e of xs) apply(e)
  const name = recv.type === 'identifier' ? recv.text : undefined;
  let holder: string | undefined = name;
  if (p?.type === 'variable_declarator') holder = p.childForFieldName('name')?.text;
  if (!holder) return false;
  const scope = enclosingFunctionOf(call) ?? a.ctx.root;
  const after = a.ctx.text.slice(call.endIndex, scope.endIndex);
  const re = new RegExp(`for\\s*\\(\\s*(const|let|var)\\s+[^;]*?\\s+of\\s+${escapeRe(holder)}\\s*\\)([^\\n]*\\n?){1,4}|${escapeRe(holder)}\\s*\\.\\s*(forEach|reduce)\\s*\\(([^\\n]*\\n?){1,3}`);
  const m = re.exec(after);
  return !!m && (APPLY_RE.test(m[0]) || /\.reduce\s*\(/.test(m[0]));
}
