/**
 * `show <id | sample file> [--context N] [--all]`: prints each site with its surrounding code (the enclosing function,
 * capped, with line numbers) from the checkout, to the terminal only. Recall candidates are shown WITHOUT any analyzer
 * output; precision samples show the finding's message (that is what is judged).
 */
import * as fs from 'fs';
import * as path from 'path';
import { initParser, languageForPath, loadLanguage, parseSync, type Node } from '../../../src/core/parser';
import { CANDIDATES_FILE, checkoutDir, readJsonl } from './common';
import { loadLabels, loadPrecisionSamples, loadRecallSamples, type PrecisionSample, type RecallSample } from './labels';
import { isFunction } from './syntax';

const MAX_LINES = 120;

type Site = { kind: 'recall'; s: RecallSample } | { kind: 'precision'; s: PrecisionSample };

export async function show(targets: string[], o: { context?: number; all: boolean }): Promise<number> {
  if (!targets.length) throw new Error('show needs a candidate/finding id or a sample file');
  const labels = loadLabels().byId;
  const sites: Site[] = [];
  const recall = loadRecallSamples({ extra: true }), precision = loadPrecisionSamples();
  for (const t of targets) {
    if (fs.existsSync(t) && t.endsWith('.jsonl')) {
      const isPrecision = path.basename(t).startsWith('precision-');
      for (const row of readJsonl<RecallSample & PrecisionSample>(t)) {
        if (!o.all && labels.has(row.id)) continue;
        sites.push(isPrecision ? { kind: 'precision', s: row } : { kind: 'recall', s: row });
      }
      continue;
    }
    const r = recall.find(x => x.id === t) ?? readJsonl<RecallSample>(CANDIDATES_FILE).find(x => x.id === t);
    const p = precision.find(x => x.id === t);
    if (r) sites.push({ kind: 'recall', s: r });
    else if (p) sites.push({ kind: 'precision', s: p });
    else throw new Error(`no sample or candidate with id ${t}`);
  }
  await initParser();
  for (const site of sites) process.stdout.write(await render(site, o.context ?? 3, labels.get(site.s.id)?.label) + '\n');
  process.stdout.write(`${sites.length} site${sites.length === 1 ? '' : 's'}\n`);
  return 0;
}

async function render(site: Site, context: number, label?: string): Promise<string> {
  const s = site.s;
  const file = path.join(checkoutDir(s.repo), s.path);
  const out: string[] = [];
  const rule = '─'.repeat(100);
  out.push(rule);
  if (site.kind === 'recall') {
    out.push(`recall ${site.s.id}  ${site.s.family} / ${site.s.kind}${site.s.webhook ? ' (webhook path)' : ''}  ${site.s.half}${label ? `  [labelled ${label}]` : ''}`);
    out.push(`${s.repo}@${s.commit.slice(0, 10)}  ${s.path}:${s.line}${site.s.endLine !== s.line ? `-${site.s.endLine}` : ''}`);
  } else {
    out.push(`precision ${site.s.id}  ${site.s.ruleId} (${site.s.family})  ${site.s.half}${label ? `  [labelled ${label}]` : ''}`);
    out.push(`${s.repo}@${s.commit.slice(0, 10)}  ${s.path}:${s.line}:${site.s.column}`);
    out.push(`finding: ${site.s.message}`);
  }
  out.push(`file: ${file}`);
  if (!fs.existsSync(file)) { out.push('(the checkout has no such file: run `npm run ecosystem -- setup`)'); return out.join('\n'); }
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const siteStart = s.line, siteEnd = site.kind === 'recall' ? site.s.endLine : Math.max(s.line, site.s.endLine);
  // the enclosing function of the site (the outermost one that is still under the cap), else the site itself
  let from = siteStart, to = siteEnd;
  const lang = languageForPath(file);
  if (lang) {
    await loadLanguage(lang);
    const tree = parseSync(text, lang);
    try {
      const fn = enclosingFunctionSpan(tree.rootNode, siteStart - 1, siteEnd - 1);
      if (fn) { from = Math.min(from, fn[0] + 1); to = Math.max(to, fn[1] + 1); }
    } finally { tree.delete(); }
  }
  from = Math.max(1, from - context); to = Math.min(lines.length, to + context);
  const ranges: [number, number][] = [];
  if (to - from + 1 <= MAX_LINES) ranges.push([from, to]);
  else {
    // too long: the head of the function, and a window around the site
    const head = Math.min(from + 14, siteStart - 1);
    if (head >= from) ranges.push([from, head]);
    const a = Math.max(head + 1, siteStart - 30), b = Math.min(to, Math.max(siteEnd, siteStart) + 60, a + MAX_LINES - 15);
    ranges.push([a, b]);
  }
  const width = String(to).length;
  let prev = 0;
  for (const [a, b] of ranges) {
    if (prev && a > prev + 1) out.push(`${' '.repeat(width + 3)}⋮`);
    for (let l = a; l <= b; l++) {
      const mark = l === siteStart ? '>' : l > siteStart && l <= siteEnd ? '|' : ' ';
      const src = lines[l - 1].replace(/\t/g, '  ');
      out.push(`${mark} ${String(l).padStart(width)}  ${src.length > 220 ? src.slice(0, 220) + '…' : src}`);
    }
    prev = b;
  }
  return out.join('\n');
}

/** [startRow, endRow] of the outermost function around rows [a, b] whose span is at most MAX_LINES, else the innermost. */
function enclosingFunctionSpan(root: Node, a: number, b: number): [number, number] | undefined {
  const point = root.descendantForPosition({ row: a, column: 0 }, { row: a, column: 10_000 });
  let best: [number, number] | undefined;
  for (let n: Node | null = point; n; n = n.parent) {
    if (!isFunction(n) && n.type !== 'class_declaration') continue;
    if (n.endPosition.row < b) continue;
    const span: [number, number] = [n.startPosition.row, n.endPosition.row];
    if (!best) best = span;
    else if (span[1] - span[0] <= MAX_LINES) best = span;
    else break;
  }
  return best;
}
