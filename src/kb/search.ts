/**
 * Safe, typo-tolerant search over a lunr index.
 *
 * User input never reaches lunr's query-string parser (which throws on `:`, `^`, `~`, `+`/`-` …):
 * the input is cut into letter/digit words here, and each word becomes exact (stemmed), prefix
 * (`word*`) and fuzzy (`word~1`) clauses built with the query-builder API.
 */
import lunr from 'lunr';
import type { EntryKind, KbDocument, SearchMatch, SearchOptions, SearchResult } from './types';
import { wordTokens } from './text';
import type { PositionLookup } from './indexer';

export const MAX_QUERY_CHARS = 1000;
export const MAX_QUERY_TERMS = 8;
const MAX_TERM_CHARS = 40;
const SNIPPET_CHARS = 180;
const KIND_PRIOR = { pattern: 1.25 } as const;

export interface SearchSegment {
  index: lunr.Index;
  /** lunr ref → document. */
  docs: Map<string, KbDocument>;
  /** Positions moved out of the postings (prebuilt index); absent when lunr's metadata has them. */
  positions?: PositionLookup;
}

/** Lowercased, de-duplicated words of a user query, bounded in number and length. */
export function queryTerms(input: unknown): string[] {
  if (typeof input !== 'string') return [];
  const seen = new Set<string>();
  // Users paste lunr syntax from docs: drop boosts/edit distances (`^10`, `~1`) and field prefixes.
  const cleaned = input
    .slice(0, MAX_QUERY_CHARS)
    .replace(/[~^]\d*/g, ' ')
    .replace(/\b(?:title|summary|body|code|keywords|related):/gi, ' ');
  for (const t of wordTokens(cleaned)) {
    const w = t.text.slice(0, MAX_TERM_CHARS);
    if (!seen.has(w)) seen.add(w);
    if (seen.size >= MAX_QUERY_TERMS) break;
  }
  return [...seen];
}

function stem(word: string): string {
  try {
    return String((lunr.stemmer as unknown as (t: lunr.Token) => lunr.Token)(new lunr.Token(word, {})));
  } catch {
    return word;
  }
}

function termQuery(index: lunr.Index, term: string): lunr.Index.Result[] {
  try {
    const vocabulary = (index as unknown as { invertedIndex: Record<string, unknown> }).invertedIndex;
    const s = stem(term);
    // A word the index knows is not a typo: no fuzzy clauses (they would turn "knight" into "night").
    const known = vocabulary[s] !== undefined;
    return index.query(q => {
      // Exact word, through the search pipeline (stemmer), like the indexed terms.
      q.term(term, { usePipeline: true, boost: 10 });
      if (/^\d+$/.test(term)) return; // numbers: exact only (years, ids), no prefix or typo expansion
      // Prefixes: what the user is still typing ("idem" → idempotency), or longer forms of a known word.
      if (term.length >= 2) q.term(term, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: known ? 1 : 4 });
      if (s.length >= 4 && s !== term) q.term(s, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: known ? 1 : 3 });
      if (known) return;
      if (term.length >= 4) q.term(term, { usePipeline: false, editDistance: 1, boost: 1 });
      // Typos late in a long word ("metastabel", "idempotncy") are too far from the *stemmed* index
      // terms for an edit distance of 1; the word's first ~60% as a prefix still finds them.
      if (term.length >= 7) q.term(term.slice(0, Math.max(5, Math.ceil(term.length * 0.6))), { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 0.5 });
    });
  } catch {
    return []; // never let a query error escape to the user
  }
}

interface Hit {
  doc: KbDocument;
  score: number;
  coverage: number;
  /** Raw lunr results for this document; positions are resolved only for the results returned. */
  raw: { seg: SearchSegment; result: lunr.Index.Result }[];
}

type Postings = Record<string, { _index: number }>;

function collectMatches(seg: SearchSegment, result: lunr.Index.Result, into: SearchMatch[]): void {
  const meta = result.matchData.metadata as Record<string, Record<string, { position?: [number, number][] }>>;
  for (const term of Object.keys(meta)) {
    for (const field of Object.keys(meta[term])) {
      let positions = meta[term][field].position;
      if (!positions && seg.positions) {
        const posting = (seg.index as unknown as { invertedIndex: Postings }).invertedIndex[term];
        positions = posting ? seg.positions.get(result.ref, field, posting._index) : undefined;
      }
      for (const [start, length] of positions ?? []) into.push({ field: field as SearchMatch['field'], start, length });
    }
  }
}

/** Searches one or more segments (the bundled KB and team postmortems) and merges the results. */
export function searchSegments(segments: SearchSegment[], input: unknown, opts: SearchOptions = {}): SearchResult[] {
  const terms = queryTerms(input);
  if (terms.length === 0) return [];
  const limit = Math.max(0, Math.min(opts.limit ?? 10, 500));
  const kinds = opts.kinds && opts.kinds.length ? new Set<EntryKind>(opts.kinds) : undefined;
  const hits = new Map<string, Hit>();
  for (const seg of segments) {
    for (const term of terms) {
      for (const r of termQuery(seg.index, term)) {
        const doc = seg.docs.get(r.ref);
        if (!doc || (kinds && !kinds.has(doc.kind))) continue;
        let h = hits.get(doc.id);
        if (!h) hits.set(doc.id, (h = { doc, score: 0, coverage: 0, raw: [] }));
        h.score += r.score;
        // A word that only matched the list of related ids does not count as covering the query.
        const fields = Object.values(r.matchData.metadata as Record<string, Record<string, unknown>>).flatMap(f => Object.keys(f));
        if (fields.some(f => f !== 'related')) h.coverage += 1;
        h.raw.push({ seg, result: r });
      }
    }
  }
  const phrase = terms.length > 1 ? terms.join(' ') : undefined;
  const results = [...hits.values()].map(h => {
    // Patterns are the explanations users come for; when a pattern and a rule match equally, show the pattern first.
    let score = h.score * (h.doc.kind === 'pattern' ? KIND_PRIOR.pattern : 1);
    if (phrase) {
      const head = wordTokens(`${h.doc.title} ${h.doc.summary}`).map(t => t.text).join(' ');
      if (head.includes(phrase)) score *= 1.5;
    }
    return { h, score };
  });
  results.sort((a, b) => b.h.coverage - a.h.coverage || b.score - a.score || a.h.doc.id.localeCompare(b.h.doc.id));
  return results.slice(0, limit).map(({ h, score }) => {
    const all: SearchMatch[] = [];
    for (const { seg, result } of h.raw) collectMatches(seg, result, all);
    const matches = dedupeMatches(all);
    return {
      id: h.doc.id,
      kind: h.doc.kind,
      title: h.doc.title,
      score: Math.round(score * 1000) / 1000,
      snippet: makeSnippet(h.doc, matches),
      matches,
      origin: h.doc.origin,
    };
  });
}

function dedupeMatches(ms: SearchMatch[]): SearchMatch[] {
  const order = { title: 0, summary: 1, body: 2, code: 3, keywords: 4, related: 5 } as const;
  const seen = new Set<string>();
  return ms
    .filter(m => {
      const k = `${m.field}:${m.start}:${m.length}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => order[a.field] - order[b.field] || a.start - b.start);
}

/** Wraps the given ranges of `text` in « » (ranges must lie within [from, to)). */
function highlight(text: string, ranges: { start: number; length: number }[], from: number, to: number): string {
  let out = '';
  let at = from;
  for (const r of ranges) {
    if (r.start < at || r.start + r.length > to) continue;
    out += text.slice(at, r.start) + '«' + text.slice(r.start, r.start + r.length) + '»';
    at = r.start + r.length;
  }
  return out + text.slice(at, to);
}

/** A ~180-character excerpt around the densest cluster of body matches (or the summary). */
export function makeSnippet(doc: KbDocument, matches: SearchMatch[]): string {
  const flat = (s: string) => s.replace(/\s*\n\s*/g, ' · ');
  let field: 'text' | 'code' = 'text';
  let body = matches.filter(m => m.field === 'body');
  const sm = matches.filter(m => m.field === 'summary');
  if (body.length === 0 && sm.length === 0 && doc.code && matches.some(m => m.field === 'code')) {
    field = 'code';
    body = matches.filter(m => m.field === 'code');
  }
  if (body.length === 0) return flat(highlight(doc.summary, sm, 0, doc.summary.length));
  let best = body[0];
  let bestCount = 0;
  for (const m of body) {
    const count = body.filter(o => o.start >= m.start && o.start + o.length <= m.start + SNIPPET_CHARS - 40).length;
    if (count > bestCount) {
      best = m;
      bestCount = count;
    }
  }
  const text = field === 'code' ? doc.code ?? '' : doc.text;
  // Start at the beginning of the sentence or line holding the best match when it is close enough,
  // else at a word boundary about 40 characters before it.
  const lookback = text.slice(Math.max(0, best.start - 90), best.start);
  const sentence = Math.max(lookback.lastIndexOf('. '), lookback.lastIndexOf('\n'), lookback.lastIndexOf('; '));
  let from: number;
  if (best.start <= 90 && sentence < 0) from = 0;
  else if (sentence >= 0) from = best.start - lookback.length + sentence + (lookback[sentence] === '\n' ? 1 : 2);
  else {
    from = best.start - 40;
    const sp = text.indexOf(' ', from);
    from = sp >= 0 && sp < best.start ? sp + 1 : best.start;
  }
  let to = Math.min(text.length, from + SNIPPET_CHARS);
  if (to < best.start + best.length) to = Math.min(text.length, best.start + best.length + 40);
  if (to < text.length) {
    const sp = text.lastIndexOf(' ', to);
    if (sp > best.start + best.length) to = sp;
  }
  return (from > 0 ? '… ' : '') + flat(highlight(text, body, from, to)).trim() + (to < text.length ? ' …' : '');
}
