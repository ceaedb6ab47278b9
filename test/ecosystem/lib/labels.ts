/** labels.jsonl and the sample files: loading and validation (facts only, no code). */
import * as fs from 'fs';
import * as path from 'path';
import { FAMILIES, LABELS_FILE, SAMPLES_DIR, readJsonl, type Family, type Half } from './common';
import type { Candidate } from './measure';

export interface Label {
  id: string; repo: string; commit: string; path: string; line: number; family: Family; ruleId?: string;
  kind: 'recall' | 'precision'; label: 'flag' | 'no-flag' | 'tp' | 'fp'; reason: string; labeller: string; date: string;
}

export interface PrecisionSample {
  id: string; key: string; repo: string; commit: string; path: string; line: number; column: number; endLine: number;
  ruleId: string; messageId: string | null; message: string; family: Family; half: Half; rank: number;
}

export type RecallSample = Candidate & { webhook?: boolean; sample?: 'extra' | 'r2' | 'xh' };

/** Problems of one label row (empty when it is valid). */
export function labelProblems(l: Partial<Label>): string[] {
  const p: string[] = [];
  for (const k of ['id', 'repo', 'commit', 'path', 'family', 'kind', 'label', 'reason', 'labeller', 'date'] as const) if (typeof l[k] !== 'string' || !l[k]) p.push(`${k} missing`);
  if (typeof l.line !== 'number' || l.line < 1) p.push('line missing');
  if (l.family && !FAMILIES.includes(l.family)) p.push(`family "${l.family}" unknown`);
  if (l.kind === 'recall' && l.label !== 'flag' && l.label !== 'no-flag') p.push('a recall label is flag or no-flag');
  if (l.kind === 'precision' && l.label !== 'tp' && l.label !== 'fp') p.push('a precision label is tp or fp');
  if (l.kind && l.kind !== 'recall' && l.kind !== 'precision') p.push(`kind "${l.kind}" is recall or precision`);
  if (l.kind === 'precision' && !l.ruleId) p.push('a precision label names its ruleId');
  if (typeof l.reason === 'string') {
    if (l.reason.length > 300) p.push('reason over 300 characters (one sentence, no code)');
    if (/[{};]\s*$|=>|\n/.test(l.reason)) p.push('reason looks like code (one sentence, no code)');
  }
  if (typeof l.date === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(l.date)) p.push('date is YYYY-MM-DD');
  return p;
}

export interface LabelSet { byId: Map<string, Label>; problems: string[] }

/** Reads labels.jsonl; a later row for the same id replaces an earlier one (a corrected judgement). */
export function loadLabels(file = LABELS_FILE): LabelSet {
  const byId = new Map<string, Label>();
  const problems: string[] = [];
  const rows = readJsonl<Label>(file);
  rows.forEach((l, i) => {
    const p = labelProblems(l);
    if (p.length) { problems.push(`${path.basename(file)}:${i + 1} (${l.id ?? '?'}): ${p.join('; ')}`); return; }
    byId.set(l.id, l);
  });
  return { byId, problems };
}

/** The main recall sample (40 per family and half); with `extra`, also the extended tuning sample (`sample: 'extra'`) the round-2 tuning sample (`sample: 'r2'`) and the extended held-out sample (`sample: 'xh'`). */
export function loadRecallSamples(o: { extra?: boolean } = {}): RecallSample[] {
  const main = FAMILIES.flatMap(f => readJsonl<RecallSample>(path.join(SAMPLES_DIR, `recall-${f}.jsonl`)));
  if (!o.extra) return main;
  const extra = FAMILIES.flatMap(f => {
    const file = path.join(SAMPLES_DIR, `recall-extra-${f}.jsonl`);
    return fs.existsSync(file) ? readJsonl<RecallSample>(file).map(s => ({ ...s, sample: 'extra' as const })) : [];
  });
  const more = (['r2', 'xh'] as const).flatMap(tag => FAMILIES.flatMap(f => {
    const file = path.join(SAMPLES_DIR, `recall-${tag}-${f}.jsonl`);
    return fs.existsSync(file) ? readJsonl<RecallSample>(file).map(s => ({ ...s, sample: tag })) : [];
  }));
  return [...main, ...extra, ...more];
}
export function loadPrecisionSamples(): PrecisionSample[] {
  return FAMILIES.flatMap(f => readJsonl<PrecisionSample>(path.join(SAMPLES_DIR, `precision-${f}.jsonl`)));
}

export const THRESHOLDS_FILE = path.join(SAMPLES_DIR, 'precision-thresholds.json');
export interface Thresholds { seed: string; perFamilyHalf: number; how: string; setFrom: string; thresholds: Record<string, Record<string, number>> }
export function loadThresholds(): Thresholds | undefined {
  return fs.existsSync(THRESHOLDS_FILE) ? JSON.parse(fs.readFileSync(THRESHOLDS_FILE, 'utf8')) as Thresholds : undefined;
}
