/**
 * Front matter parsing and validation of knowledge-base entries (docs/KB-SCHEMA.md).
 * Shared by scripts/build-kb.ts (bundled KB) and the loader (team postmortems), so both
 * reject the same mistakes with the same messages.
 */
import { parse as parseYaml } from 'yaml';
import type { Token, Tokens } from 'marked';
import { lexMarkdown } from './text';
import type { EntryKind, KbEntry, KbProblem, Reference } from './types';

export const FAMILY_CODES = ['NT', 'RB', 'NI', 'WC', 'RX', 'FO', 'TH', 'ML', 'CHG', 'DEP', 'DEPN', 'OPS', 'DR'];

/** What each family code stands for (shared facts, "Anti-pattern family codes"), as shown next to the code. */
export const FAMILY_NAMES: Record<string, string> = {
  NT: 'missing or unbounded network timeout',
  RB: 'retries without backoff and jitter',
  NI: 'non-idempotent handler',
  WC: 'wall-clock time for durations or ordering',
  RX: 'catastrophic regex backtracking',
  FO: 'unbounded fan-out or concurrency',
  TH: 'broken timeout hierarchy',
  ML: 'metastable retry or feedback loop',
  CHG: 'change pushed everywhere at once',
  DEP: 'inconsistent deploy or reused flag',
  DEPN: 'shared or circular dependency',
  OPS: 'operator tooling',
  DR: 'backups and restore',
};

/** "retries without backoff and jitter (RB)": a family code spelled out (unknown codes as they are). */
export function familyLabel(code: string): string {
  const name = FAMILY_NAMES[code];
  return name ? `${name} (${code})` : code;
}

export const ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

const COMMON_KEYS = ['id', 'kind', 'title', 'summary'];
const ALLOWED_KEYS: Record<EntryKind, string[]> = {
  incident: [...COMMON_KEYS, 'date', 'organisation', 'duration', 'impact', 'impact_source', 'families', 'rules', 'patterns', 'sources'],
  pattern: [...COMMON_KEYS, 'rules', 'incidents', 'references', 'libraries'],
  rule: [...COMMON_KEYS],
};

export const REQUIRED_SECTIONS: Record<EntryKind, { required: string[]; optional: string[] }> = {
  incident: {
    // No TypeScript section for incidents without a code-level cause (power, operations, change management):
    // a forced analogue teaches nothing.
    required: ['What happened', 'Timeline', 'Root cause', 'Lessons'],
    optional: ['The same mistake in TypeScript', 'What is often told wrong'],
  },
  pattern: {
    required: ['The problem', 'The pattern', 'In TypeScript', 'Trade-offs', 'Libraries', 'References'],
    optional: [],
  },
  rule: {
    required: ['What it does', 'Why is this bad?', 'Example', 'Use instead', 'Fix safety', 'Decisions', 'References'],
    optional: ['Library defaults'],
  },
};

export class FrontMatterError extends Error {}

/** Splits `---\nyaml\n---\nbody`. Throws FrontMatterError with a readable message. */
export function splitFrontMatter(text: string): { data: unknown; body: string } {
  const src = text.replace(/^\uFEFF/, '');
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(src);
  if (!m) throw new FrontMatterError('no YAML front matter (the file must start with a line `---`, the YAML, then a line `---`)');
  let data: unknown;
  try {
    data = parseYaml(m[1], { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const msg = (e instanceof Error ? e.message.split('\n')[0] : String(e)).replace(/:\s*$/, '');
    throw new FrontMatterError(`front matter is not valid YAML: ${msg}`);
  }
  return { data, body: src.slice(m[0].length) };
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function normaliseDate(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (v instanceof Date && !isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  if (typeof v === 'string') return v.trim();
  return undefined;
}

function validDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const year = +m[1];
  if (year < 1900 || year > 2100) return false;
  if (m[2] !== undefined) {
    const month = +m[2];
    if (month < 1 || month > 12) return false;
    if (m[3] !== undefined) {
      const day = +m[3];
      const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
      if (day < 1 || day > days) return false;
    }
  }
  return true;
}

export interface ValidateOptions {
  /** File path used in messages; its base name (without .md) must equal the id. */
  file: string;
  /** Kind implied by the folder the file is in. */
  expectedKind?: EntryKind;
}

export interface ValidationResult {
  entry?: KbEntry;
  errors: string[];
  warnings: string[];
}

/** Validates parsed front matter + body and returns a normalised entry (or the errors). */
export function validateEntry(data: unknown, body: string, opts: ValidateOptions): ValidationResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isPlainObject(data)) return { errors: ['front matter must be a YAML mapping (key: value lines)'], warnings };

  const str = (key: string, required: boolean): string | undefined => {
    const v = data[key];
    if (v === undefined || v === null) {
      if (required) errors.push(`missing required field \`${key}\``);
      return undefined;
    }
    if (typeof v !== 'string') {
      errors.push(`field \`${key}\` must be a string, got ${describe(v)}`);
      return undefined;
    }
    if (required && v.trim() === '') errors.push(`field \`${key}\` must not be empty`);
    return v.trim();
  };
  const strList = (key: string, required: boolean, check?: (s: string) => string | undefined): string[] => {
    const v = data[key];
    if (v === undefined || v === null) {
      if (required) errors.push(`missing required field \`${key}\` (use \`${key}: []\` when empty)`);
      return [];
    }
    if (!Array.isArray(v)) {
      errors.push(`field \`${key}\` must be a list, got ${describe(v)}`);
      return [];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') {
        errors.push(`\`${key}[${i}]\` must be a non-empty string, got ${describe(item)}`);
        return;
      }
      const problem = check?.(item);
      if (problem) errors.push(`\`${key}[${i}]\` ${problem}`);
      else out.push(item.trim());
    });
    return out;
  };
  const idCheck = (s: string) => (ID_RE.test(s) ? undefined : `"${s}" is not a kebab-case id`);
  const urlCheck = (s: string) => (isHttpUrl(s) ? undefined : `"${s}" is not an http(s) URL`);

  const id = str('id', true);
  const kindRaw = data.kind;
  let kind: EntryKind | undefined;
  if (kindRaw === undefined) errors.push('missing required field `kind`');
  else if (kindRaw !== 'incident' && kindRaw !== 'pattern' && kindRaw !== 'rule') {
    errors.push(`field \`kind\` must be one of incident, pattern, rule; got ${describe(kindRaw)}`);
  } else kind = kindRaw;
  if (kind && opts.expectedKind && kind !== opts.expectedKind) {
    errors.push(`\`kind: ${kind}\` does not match its folder, which holds ${opts.expectedKind} entries`);
  }
  const title = str('title', true);
  const summary = str('summary', true);

  if (id !== undefined) {
    if (!ID_RE.test(id)) errors.push(`id "${id}" must be kebab-case (lowercase letters, digits and single hyphens)`);
    const stem = baseName(opts.file);
    if (stem !== id) errors.push(`id "${id}" does not match the file name "${stem}.md"`);
  }

  const effectiveKind = kind ?? opts.expectedKind;
  if (effectiveKind) {
    for (const key of Object.keys(data)) {
      if (!ALLOWED_KEYS[effectiveKind].includes(key)) {
        const hint = closest(key, ALLOWED_KEYS[effectiveKind]);
        errors.push(`unknown field \`${key}\` for a ${effectiveKind}${hint ? ` (did you mean \`${hint}\`?)` : ''}`);
      }
    }
  }

  const entry: KbEntry = {
    id: id ?? '',
    kind: effectiveKind ?? 'incident',
    title: title ?? '',
    summary: summary ?? '',
    rules: [],
    patterns: [],
    incidents: [],
    body,
  };

  if (effectiveKind === 'incident') {
    const dateRaw = data.date;
    if (dateRaw === undefined || dateRaw === null) errors.push('missing required field `date` (YYYY-MM-DD, YYYY-MM or YYYY, or `unknown` when no source gives it)');
    else if (dateRaw === 'unknown') {
      // an honest gap: the sources do not give the date (never guess one)
    } else {
      const d = normaliseDate(dateRaw);
      if (!d || !validDate(d)) errors.push(`field \`date\` must be an ISO date (YYYY-MM-DD, YYYY-MM or YYYY), got ${describe(dateRaw)}`);
      else entry.date = d;
    }
    entry.organisation = str('organisation', true);
    entry.duration = str('duration', false);
    entry.impact = str('impact', false);
    const impactSource = str('impact_source', false);
    if (impactSource !== undefined) {
      if (!isHttpUrl(impactSource)) errors.push(`field \`impact_source\` must be an http(s) URL, got "${impactSource}"`);
      else entry.impactSource = impactSource;
    }
    if (entry.impact && !entry.impactSource) errors.push('field `impact` needs an `impact_source` URL backing the figure');
    entry.families = strList('families', false, s => (FAMILY_CODES.includes(s) ? undefined : `"${s}" is not a family code (${FAMILY_CODES.join(' ')})`));
    entry.rules = strList('rules', true, idCheck);
    entry.patterns = strList('patterns', true, idCheck);
    const sources = data.sources;
    if (sources === undefined || sources === null) errors.push('missing required field `sources` with at least one `primary` URL');
    else if (!isPlainObject(sources)) errors.push(`field \`sources\` must be a mapping with \`primary\` and \`secondary\` lists, got ${describe(sources)}`);
    else {
      for (const k of Object.keys(sources)) if (k !== 'primary' && k !== 'secondary') errors.push(`unknown field \`sources.${k}\` (allowed: primary, secondary)`);
      const urls = (key: 'primary' | 'secondary'): string[] => {
        const v = sources[key];
        if (v === undefined || v === null) return [];
        const list = Array.isArray(v) ? v : [v];
        const out: string[] = [];
        list.forEach((u, i) => {
          if (!isHttpUrl(u)) errors.push(`\`sources.${key}[${i}]\` must be an http(s) URL, got ${describe(u)}`);
          else out.push(u);
        });
        return out;
      };
      const primary = urls('primary');
      const secondary = urls('secondary');
      if (primary.length === 0 && !Array.isArray(sources.primary) && sources.primary !== undefined) {
        // already reported above
      } else if (primary.length === 0) errors.push('incident has no primary source URL (`sources.primary` needs at least one http(s) URL)');
      entry.sources = { primary, secondary };
    }
  } else if (effectiveKind === 'pattern') {
    entry.rules = strList('rules', true, idCheck);
    entry.incidents = strList('incidents', true, idCheck);
    entry.libraries = strList('libraries', false);
    const refs = data.references;
    const out: Reference[] = [];
    if (refs === undefined || refs === null) errors.push('missing required field `references` (a list of { title, url })');
    else if (!Array.isArray(refs)) errors.push(`field \`references\` must be a list of { title, url }, got ${describe(refs)}`);
    else {
      refs.forEach((r, i) => {
        if (!isPlainObject(r)) return void errors.push(`\`references[${i}]\` must be a mapping { title, url }, got ${describe(r)}`);
        if (typeof r.title !== 'string' || !r.title.trim()) errors.push(`\`references[${i}].title\` must be a non-empty string`);
        if (!isHttpUrl(r.url)) errors.push(`\`references[${i}].url\` must be an http(s) URL, got ${describe(r.url)}`);
        if (typeof r.title === 'string' && isHttpUrl(r.url)) out.push({ title: r.title.trim(), url: r.url });
      });
      if (refs.length === 0) errors.push('field `references` needs at least one reference');
    }
    entry.references = out;
  }

  if (effectiveKind) warnings.push(...checkSections(body, effectiveKind));
  return { entry: errors.length ? undefined : entry, errors, warnings };
}

/** Checks the H2 sections against KB-SCHEMA.md; returns warnings (structure, not correctness). */
export function checkSections(body: string, kind: EntryKind): string[] {
  const spec = REQUIRED_SECTIONS[kind];
  const headings = [...body.matchAll(/^##[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)].map(m => m[1].trim());
  const out: string[] = [];
  const missing = spec.required.filter(h => !headings.includes(h));
  if (missing.length) out.push(`missing section(s): ${missing.map(h => `## ${h}`).join(', ')}`);
  const order = headings.filter(h => spec.required.includes(h));
  const expected = spec.required.filter(h => order.includes(h));
  if (order.join('\n') !== expected.join('\n')) out.push(`sections out of order: expected ${expected.map(h => `## ${h}`).join(' → ')}`);
  return out;
}

export interface CodeBlock {
  /** First word of the fence info string (ts, js, tsx, ...), lowercased. */
  lang: string;
  /** Full info string, e.g. "ts invalid". */
  info: string;
  code: string;
  /** 1-based line of the opening fence within the body. */
  line: number;
}

/** Fenced code blocks anywhere in the markdown (also inside lists and quotes). */
export function extractCodeBlocks(body: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  let searchFrom = 0;
  // line numbers counted incrementally (one pass over the body, not one per block)
  let counted = 0, line = 1;
  const lineOf = (pos: number): number => {
    if (pos < counted) { counted = 0; line = 1; }
    for (let i = body.indexOf('\n', counted); i !== -1 && i < pos; i = body.indexOf('\n', i + 1)) line++;
    counted = pos;
    return line;
  };
  const visit = (tokens: Token[]) => {
    for (const t of tokens) {
      if (t.type === 'code') {
        const c = t as Tokens.Code;
        if (c.codeBlockStyle === 'indented') continue;
        const at = body.indexOf(c.raw, searchFrom);
        const pos = at >= 0 ? at : body.indexOf(c.raw);
        if (at >= 0) searchFrom = at + c.raw.length;
        const info = (c.lang ?? '').trim();
        out.push({ lang: info.split(/\s+/)[0].toLowerCase(), info, code: c.text, line: pos >= 0 ? lineOf(pos) : 0 });
      }
      const nested = t as { tokens?: Token[]; items?: Token[] };
      if (Array.isArray(nested.items)) visit(nested.items);
      if (Array.isArray(nested.tokens)) visit(nested.tokens);
    }
  };
  visit(lexMarkdown(body));
  return out;
}

/** `[text](kb:<id>)` link targets in a markdown body. */
export function extractKbLinks(body: string): string[] {
  return [...body.matchAll(/\]\(\s*<?kb:([^)\s>]*)>?\s*\)/g)].map(m => m[1]);
}

export interface RuleMeta {
  id: string;
  defaultSeverity?: string;
  incidents: string[];
  patterns: string[];
}

/**
 * Cross-entry checks: duplicate ids, dangling references, rule link minimums, dangling kb: links.
 * `ruleIds` undefined means rule metadata is unavailable: references to rules are not checked.
 */
export function checkReferences(
  entries: KbEntry[],
  ruleIds: Set<string> | undefined,
  knownExtra: Map<string, EntryKind> = new Map(),
): { errors: KbProblem[]; warnings: KbProblem[] } {
  const errors: KbProblem[] = [];
  const warnings: KbProblem[] = [];
  const byId = new Map<string, KbEntry>();
  for (const e of entries) {
    const prev = byId.get(e.id);
    if (prev) errors.push({ file: e.file ?? e.id, problem: `duplicate id "${e.id}" (also in ${prev.file ?? 'another entry'})` });
    else byId.set(e.id, e);
  }
  const kindOf = (id: string): EntryKind | undefined => (ruleIds?.has(id) ? 'rule' : undefined) ?? byId.get(id)?.kind ?? knownExtra.get(id);
  const idsOfKind = (kind: EntryKind) =>
    [...byId.values()].filter(x => x.kind === kind).map(x => x.id).concat([...knownExtra].filter(([, k]) => k === kind).map(([id]) => id), kind === 'rule' && ruleIds ? [...ruleIds] : []);
  const expect = (e: KbEntry, field: string, ids: string[], kind: EntryKind) => {
    for (const ref of ids) {
      const k = kindOf(ref);
      if (k === kind) continue;
      if (kind === 'rule' && !ruleIds && !k) continue; // rule metadata unavailable: cannot check
      const hint = closest(ref, idsOfKind(kind));
      errors.push({
        file: e.file ?? e.id,
        problem: k
          ? `\`${field}\` lists "${ref}", which is a ${k}, not a ${kind}`
          : `\`${field}\` references unknown ${kind} "${ref}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
      });
    }
  };
  for (const e of entries) {
    expect(e, 'rules', e.rules, 'rule');
    expect(e, 'patterns', e.patterns, 'pattern');
    expect(e, 'incidents', e.incidents, 'incident');
    if (e.kind === 'rule') {
      // At least one: a rule links only incidents whose primary source supports the link (retry-without-jitter has one).
      if (e.incidents.length < 1) errors.push({ file: e.file ?? e.id, problem: `rule "${e.id}" links no incident; every rule must link at least 1 (rule.meta.incidents)` });
      if (e.patterns.length < 1) errors.push({ file: e.file ?? e.id, problem: `rule "${e.id}" links no pattern; every rule must link at least 1 (rule.meta.patterns)` });
    }
    for (const link of new Set(extractKbLinks(e.body))) {
      if (!ID_RE.test(link)) {
        errors.push({ file: e.file ?? e.id, problem: `malformed kb link "kb:${link}" (expected [text](kb:<id>))` });
        continue;
      }
      if (kindOf(link)) continue;
      const hint = closest(link, [...byId.keys(), ...knownExtra.keys(), ...(ruleIds ?? [])]);
      const p = { file: e.file ?? e.id, problem: `link to unknown entry "kb:${link}"${hint ? ` (did you mean "kb:${hint}"?)` : ''}` };
      // Without rule metadata the link may point at a rule we cannot see: warn instead of failing.
      (ruleIds ? errors : warnings).push(ruleIds ? p : { ...p, problem: p.problem + ' (not checked strictly: rule metadata unavailable)' });
    }
  }
  return { errors, warnings };
}

/** Adds back-links so a pattern lists the incidents and rules that point at it, and so on. */
export function addBacklinks(entries: KbEntry[]): void {
  const byId = new Map(entries.map(e => [e.id, e] as const));
  const add = (list: string[], id: string) => {
    if (!list.includes(id)) list.push(id);
  };
  for (const e of entries) {
    const fieldFor = (k: EntryKind) => (k === 'incident' ? 'incidents' : k === 'pattern' ? 'patterns' : 'rules') as 'incidents' | 'patterns' | 'rules';
    for (const ref of [...e.rules, ...e.patterns, ...e.incidents]) {
      const target = byId.get(ref);
      if (target && target !== e) add(target[fieldFor(e.kind)], e.id);
    }
  }
}

export function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.md$/i, '');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v.length > 60 ? v.slice(0, 57) + '...' : v}"`;
  return `${typeof v} ${String(v)}`;
}

/** Closest candidate by edit distance (for "did you mean" hints), if reasonably close. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

const WORD_RE = /[a-z0-9]+/g;
const STOP_WORDS = new Set(['an', 'the', 'of', 'in', 'on', 'to', 'for', 'and', 'or', 'with', 'at', 'by', 'is', 'it', 'no', 'not']);

/**
 * Entries to suggest for an id that does not exist (`kb show <id>`), best first, at most `limit`: an id within a few
 * edits of it (a typo: "aws-ebs-2012"), else entries whose id parts or title words match every word of it, exactly or
 * within one edit for words of five letters or more ("ebs", "jiter", "leap second"). Nothing when nothing matches: an
 * unrelated suggestion is worse than none.
 */
export function suggestEntries(query: string, entries: readonly { id: string; title: string }[], limit = 3): string[] {
  const q = query.toLowerCase().trim();
  if (!q) return [];
  const typo = closest(q, entries.map(e => e.id));
  if (typo) return [typo];
  const words = [...new Set(q.match(WORD_RE) ?? [])].filter(w => w.length >= 2 && !STOP_WORDS.has(w));
  if (!words.length) return [];
  const near = (w: string, x: string) => x === w || (w.length >= 5 && x.length >= 5 && editDistance(w, x) <= 1) || (w.length >= 4 && x.startsWith(w));
  const scored: { id: string; inId: number; exact: number }[] = [];
  for (const e of entries) {
    const idWords = e.id.toLowerCase().match(WORD_RE) ?? [];
    const vocab = [...new Set([...idWords, ...(e.title.toLowerCase().match(WORD_RE) ?? [])])];
    let exact = 0, inId = 0, all = true;
    for (const w of words) {
      if (!vocab.some(x => near(w, x))) { all = false; break; }
      if (vocab.includes(w)) exact++;
      if (idWords.some(x => near(w, x))) inId++;
    }
    if (all) scored.push({ id: e.id, inId, exact });
  }
  return scored.sort((a, b) => b.inId - a.inId || b.exact - a.exact || a.id.localeCompare(b.id)).slice(0, limit).map(x => x.id);
}

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array(b.length + 1).fill(0).map((_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
