/**
 * wall-clock-ordering, project layer (RULES v2 "project-wide view"): id helpers in any file. A function whose return
 * value is the wall clock (`() => Date.now()`, `` (p) => `${p}-${Date.now()}` ``, `String(Date.now())`) is summarised
 * as `clock-value`; a call of it whose value ends up as an id, a key, a version or a storage key in another place is
 * reported at that call, naming the helper and its file. Helpers named like id makers (`generateId`) are already
 * reported at their own return (./identifiers.ts), so calls of them are not reported again. Unknown stays unknown: a
 * callee the project cannot resolve is not a finding.
 */
import * as path from 'path';
import type { Node } from '../../core/parser';
import type { ProjectView, Ref, RuleContext, SummarySpec, SymbolFunctionInfo } from '../../core/rule';
import type { Finding } from '../../core/types';
import { unwrap, FUNCTION_TYPES } from '../../core/ast';
import type { ClockAnalysis, ClockRead } from './clock';
import { idContext } from './identifiers';
import { enclosingFunctionOf, shortText } from './syntax';
import { RANDOMISH_RE, ID_FN_RE, QUALIFIED_ID_FN_RE, NOT_ID_FN_RE } from './names';
import { ID_LINKS, VERSION_LINKS } from './links';

export const CLOCK_VALUE_KEY = 'clock-value';

/** The helper returns the wall clock (as a number or text); where, and whether its own file reports it. */
export interface ClockValueFact { line: number; column: number; endLine: number; endColumn: number; text: string; idMaker: boolean }

interface Pending { kind: 'clock-helper'; ref: Ref; cls?: string; callee: string; name: string; idKind: 'id' | 'key' | 'version'; file?: boolean }

const READ_TEXT = /^(Date\.now\(\)|new Date\(\)\.(getTime|valueOf)\(\)|\+\s*new Date\(\))$/;

/** `return Date.now()`, `` return `${prefix}-${Date.now()}` ``, `String(Date.now())`, `Date.now().toString()`. */
function clockReturn(e: Node | null): boolean {
  const u = unwrap(e);
  if (!u) return false;
  const t = u.text.replace(/\s+/g, ' ');
  if (RANDOMISH_RE.test(t)) return false;
  if (READ_TEXT.test(t)) return true;
  if (u.type === 'call_expression') {
    const fn = u.childForFieldName('function');
    if (fn?.text === 'String') return clockReturn(u.childForFieldName('arguments')?.namedChild(0) ?? null);
    if (fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'toString') return clockReturn(fn.childForFieldName('object'));
    return false;
  }
  if (u.type === 'template_string') {
    const subs = u.namedChildren.filter((c): c is Node => !!c && c.type === 'template_substitution');
    return subs.some(s => clockReturn(s.namedChild(0)));
  }
  if (u.type === 'binary_expression' && u.childForFieldName('operator')?.type === '+') {
    const l = unwrap(u.childForFieldName('left')), r = unwrap(u.childForFieldName('right'));
    const strish = (n: Node | null) => !!n && /^(string|template_string|identifier|member_expression)$/.test(n.type);
    return (clockReturn(l) && strish(r)) || (clockReturn(r) && strish(l)) || (clockReturn(l) && clockReturn(r));
  }
  return false;
}

export const clockValueSummary: SummarySpec = {
  key: CLOCK_VALUE_KEY,
  triggers: /\bDate\s*\.\s*now\b|new\s+Date\s*\(\s*\)/,
  of(ctx: RuleContext, fn: SymbolFunctionInfo): ClockValueFact | undefined {
    const f = fn.node;
    if (RANDOMISH_RE.test(ctx.text.slice(f.startIndex, f.endIndex))) return undefined;
    const returns: Node[] = [];
    const body = f.childForFieldName('body');
    if (f.type === 'arrow_function' && body && body.type !== 'statement_block') returns.push(body);
    else if (body) collectReturns(body, returns);
    const hit = returns.find(clockReturn);
    if (!hit) return undefined;
    const name = fn.id.split('.').pop() ?? fn.id;
    return {
      line: hit.startPosition.row, column: hit.startPosition.column, endLine: hit.endPosition.row, endColumn: hit.endPosition.column,
      text: shortText(hit.text),
      idMaker: ID_FN_RE.test(name) || (QUALIFIED_ID_FN_RE.test(name) && !NOT_ID_FN_RE.test(name)),
    };
  },
};

function collectReturns(n: Node, out: Node[]): void {
  for (const c of n.namedChildren) {
    if (!c || FUNCTION_TYPES.has(c.type)) continue;
    if (c.type === 'return_statement') { const v = c.namedChild(0); if (v) out.push(v); continue; }
    collectReturns(c, out);
  }
}

/** Calls of project functions whose value ends up as an id, key or version: pending until the callee is known. */
export function checkHelperCalls(a: ClockAnalysis): void {
  const { ctx } = a;
  for (const call of ctx.captures('call')) {
    if (!idSlotText(ctx.text, call.startIndex)) continue;
    const callee = call.childForFieldName('function');
    if (!callee || (callee.type !== 'identifier' && callee.type !== 'member_expression')) continue;
    if (callee.type === 'member_expression' && /^(now|parse|getTime|toString|toISOString|valueOf|join|map|filter|slice|replace|trim|split|get|set|push|then|catch|format)$/.test(callee.childForFieldName('property')?.text ?? '')) continue;
    if (callee.endIndex - callee.startIndex > 80 || !idSlotNear(call)) continue;
    const pseudo: ClockRead = { expr: call, numeric: true };
    const c = idContext(a, pseudo);
    if (!c) continue;
    const ref = ctx.refOf(callee);
    if (!ref) continue;
    const f = enclosingFunctionOf(call);
    const cls = f ? classNameOf(f) : undefined;
    const pending: Pending = { kind: 'clock-helper', ref, cls, callee: callee.text, name: c.name, idKind: c.kind, file: c.file };
    a.reportPending(call, pending);
  }
}

const SLOT_NAME_RE = /id$|Id$|ID$|_id|key|Key|name|Name|path|Path|file|File|seq|Seq|sequence|version|Version|rev|index|Index|chunk|order|Order|unique/;

/** The text before the call on its line: a slot name and `:`/`=`, a template hole, or a key-taking call's argument. */
const SLOT_TEXT_RE = /(?:(?:id|Id|ID|key|Key|name|Name|path|Path|file|File|seq|Seq|sequence|version|Version|rev|index|Index|chunk|order|Order|unique\w*)['"\]]?\s*(?::|=|\?\?=)(?![=>])[^;{}]*|\$\{\s*|\b(?:set|setItem|upload\w*|put\w*|write\w*|join|resolve|createTemp\w*|import)\s*\([^()]*)$/;

function idSlotText(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return SLOT_TEXT_RE.test(text.slice(Math.max(lineStart, at - 160), at));
}

/**
 * Cheap filter before the id-context analysis (most calls are not ids): climbing through templates, `+`, `String()`
 * and `??`, the value lands in a declarator, property, assignment or field whose name looks like an id, key, name,
 * path, sequence or version, or in a call's arguments (storage keys and `map.set(key, …)`).
 */
function idSlotNear(call: Node): boolean {
  let n: Node = call;
  for (let i = 0; i < 6 && n.parent; i++) {
    const p: Node = n.parent;
    switch (p.type) {
      case 'parenthesized_expression': case 'template_substitution': case 'template_string': case 'binary_expression':
      case 'member_expression': case 'call_expression': case 'as_expression': case 'non_null_expression':
        n = p; continue;
      case 'arguments': return true;
      case 'variable_declarator': return SLOT_NAME_RE.test(p.childForFieldName('name')?.text ?? '');
      case 'pair': return SLOT_NAME_RE.test(p.childForFieldName('key')?.text ?? '');
      case 'assignment_expression': return SLOT_NAME_RE.test(p.childForFieldName('left')?.text ?? '');
      case 'public_field_definition': case 'field_definition': return SLOT_NAME_RE.test((p.childForFieldName('name') ?? p.childForFieldName('property'))?.text ?? '');
      case 'subscript_expression': return true;
      default: return false;
    }
  }
  return false;
}

function classNameOf(f: Node): string | undefined {
  for (let p = f.parent; p; p = p.parent) if (p.type === 'class_declaration' || p.type === 'class') return p.childForFieldName('name')?.text;
  return undefined;
}

export function settleHelperCall(finding: Finding, project: ProjectView, file: string): Finding | undefined {
  const p = finding.pending as Pending;
  const h = project.resolve(file, p.ref, p.cls);
  if (!h) return undefined;
  const fn = project.fn(h);
  const fact = fn?.facts[CLOCK_VALUE_KEY] as ClockValueFact | undefined;
  if (!fact || fact.idMaker) return undefined;
  const where = h.file === file ? `line ${fact.line + 1}` : `${path.basename(h.file)}:${fact.line + 1}`;
  const version = p.idKind === 'version';
  const what = version ? `\`${p.name}\` set from \`${p.callee}()\`` : p.file ? `a file name or storage key (\`${p.name}\`) made unique with \`${p.callee}()\`` : `\`${p.callee}()\` used as ${p.idKind === 'key' ? 'a key' : 'an id'} (\`${p.name}\`)`;
  const harm = version
    ? 'clocks differ between machines and can step back, so versions can repeat or go backwards; use a counter or a hybrid logical clock'
    : 'two calls in the same millisecond, on two machines, or after the clock steps back get the same value; use a random UUID';
  const links = version ? VERSION_LINKS : ID_LINKS;
  return {
    ...finding,
    messageId: version ? 'version' : 'id',
    message: `${what}, which returns the wall clock (${where}: \`${fact.text}\`): ${harm}`,
    incidents: links.incidents,
    patterns: links.patterns,
    related: [{ file: h.file, startPos: { line: fact.line, column: fact.column }, endPos: { line: fact.endLine, column: fact.endColumn }, message: `\`${fn!.id}\` returns the wall clock here` }],
    pending: undefined,
  };
}
