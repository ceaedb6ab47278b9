/** Builds the lunr index (at build time for the bundled KB; at load time only for team postmortems). */
import lunr from 'lunr';
import type { KbDocument, KbEntry } from './types';
import { extractText, wordTokens } from './text';

export const FIELD_BOOSTS = { title: 10, summary: 5, keywords: 3, body: 1, code: 0.5, related: 0.5 } as const;

/** lunr tokenizer: Unicode letter/digit runs with their positions in the original string. */
function tokenizer(obj: unknown, metadata?: object): lunr.Token[] {
  if (obj === null || obj === undefined) return [];
  const str = Array.isArray(obj) ? obj.join(' ') : String(obj);
  return wordTokens(str).map((t, i) => new lunr.Token(t.text, { ...(metadata ?? {}), position: [t.start, t.length], index: i }));
}
tokenizer.separator = /[^\p{L}\p{N}]+/u;

/** The words indexed in the `keywords` field (own id, kind, organisation, families, libraries, date). */
export function keywordsFor(e: KbEntry): string {
  return [e.id, e.kind, e.organisation ?? '', ...(e.families ?? []), ...(e.libraries ?? []), e.date ?? ''].filter(Boolean).join(' ');
}

/** The ids of linked entries (`related` field, low boost). */
export function relatedFor(e: KbEntry): string {
  return [...e.rules, ...e.patterns, ...e.incidents].join(' ');
}

export function toDocument(e: KbEntry): KbDocument {
  const { prose, code } = extractText(e.body);
  return { ...e, text: prose, code, keywords: keywordsFor(e), related: relatedFor(e) };
}

/** lunr ref of the i-th document: its position in base 36 (ids would be repeated in every posting). */
export const refFor = (i: number): string => i.toString(36);

/** ref → document, for the documents in the order they were indexed. */
export function docsByRef(docs: KbDocument[]): Map<string, KbDocument> {
  return new Map(docs.map((d, i) => [refFor(i), d] as const));
}

/** The document as stored in kb.json (without the indexed-only `code`). */
export function storedDocument(d: KbDocument): KbDocument {
  const { code: _code, ...rest } = d;
  return rest;
}

export function buildLunrIndex(docs: KbDocument[]): lunr.Index {
  return lunr(function () {
    this.tokenizer = tokenizer as unknown as typeof lunr.tokenizer;
    // Our tokenizer already strips punctuation; lunr's trimmer would also eat non-ASCII letters.
    this.pipeline.remove(lunr.trimmer);
    this.ref('ref');
    this.field('title', { boost: FIELD_BOOSTS.title });
    this.field('summary', { boost: FIELD_BOOSTS.summary });
    this.field('keywords', { boost: FIELD_BOOSTS.keywords });
    this.field('body', { boost: FIELD_BOOSTS.body, extractor: d => (d as KbDocument).text });
    this.field('code', { boost: FIELD_BOOSTS.code, extractor: d => (d as KbDocument).code ?? '' });
    this.field('related', { boost: FIELD_BOOSTS.related, extractor: d => (d as KbDocument).related });
    this.metadataWhitelist = ['position'];
    docs.forEach((d, i) => this.add({ ...d, ref: refFor(i) }));
  });
}

/** Fields whose match positions are kept (snippets and highlights); other fields' positions are dropped. */
export const POSITION_FIELDS = ['title', 'summary', 'body'] as const;

/**
 * Positions of matched terms, moved out of the lunr postings into one compact string per document and
 * field: `termIndex:start.length,start.length;…` in base 36. JSON.parse of the postings' thousands of
 * tiny `{position: [[s, l]]}` objects dominated load time; strings are decoded lazily, only for the
 * documents a search returns.
 */
export type PositionTable = Record<string, string[]>;

export interface SerialisedIndex {
  index: object;
  positions: PositionTable;
  tokenSet: EncodedTokenSet;
}

/** lunr.Index#toJSON() with position metadata moved into a compact PositionTable. */
export function serialiseIndex(index: lunr.Index): SerialisedIndex {
  const json = index.toJSON() as unknown as { invertedIndex: [string, Record<string, unknown>][] };
  const parts = new Map<string, string[][]>();
  // toJSON() shares the live posting objects: copy before editing so the index itself is untouched.
  json.invertedIndex = json.invertedIndex.map(([term, posting]) => {
    const copy: Record<string, unknown> = { ...posting };
    const termIndex = (posting._index as number).toString(36);
    for (const field of Object.keys(posting)) {
      if (field === '_index') continue;
      const docs = posting[field] as Record<string, { position?: [number, number][] }>;
      const fi = (POSITION_FIELDS as readonly string[]).indexOf(field);
      for (const [ref, meta] of Object.entries(docs)) {
        if (fi < 0 || !meta.position?.length) continue;
        let row = parts.get(ref);
        if (!row) parts.set(ref, (row = POSITION_FIELDS.map(() => [])));
        row[fi].push(`${termIndex}:${meta.position.map(([s, l]) => `${s.toString(36)}.${l.toString(36)}`).join(',')}`);
      }
      copy[field] = Object.fromEntries(Object.keys(docs).map(ref => [ref, {}]));
    }
    return [term, copy];
  });
  const positions: PositionTable = {};
  for (const [ref, row] of parts) positions[ref] = row.map(r => r.join(';'));
  return { index: json, positions, tokenSet: encodeTokenSet((index as unknown as { tokenSet: TokenSetNode }).tokenSet) };
}

/** Lazily decoded PositionTable: (ref, field, term index) → [start, length][]. */
export class PositionLookup {
  private readonly decoded = new Map<string, Map<number, [number, number][]>[]>();
  constructor(private readonly table: PositionTable) {}

  get(ref: string, field: string, termIndex: number): [number, number][] {
    const fi = (POSITION_FIELDS as readonly string[]).indexOf(field);
    if (fi < 0) return [];
    let rows = this.decoded.get(ref);
    if (!rows) {
      rows = (this.table[ref] ?? []).map(s => {
        const m = new Map<number, [number, number][]>();
        if (!s) return m;
        for (const entry of s.split(';')) {
          const colon = entry.indexOf(':');
          const pairs = entry
            .slice(colon + 1)
            .split(',')
            .map(p => {
              const dot = p.indexOf('.');
              return [parseInt(p.slice(0, dot), 36), parseInt(p.slice(dot + 1), 36)] as [number, number];
            });
          m.set(parseInt(entry.slice(0, colon), 36), pairs);
        }
        return m;
      });
      this.decoded.set(ref, rows);
    }
    return rows[fi]?.get(termIndex) ?? [];
  }
}

/**
 * The vocabulary automaton (lunr.TokenSet) flattened to one array per node: [final, char, child, char, child…].
 * lunr.Index.load rebuilds and minimises it from the term list on every load, which was most of its
 * cost; restoring the already minimised graph is several times cheaper.
 */
export type EncodedTokenSet = (string | number)[][];

interface TokenSetNode {
  final: boolean;
  edges: Record<string, TokenSetNode>;
}

export function encodeTokenSet(root: TokenSetNode): EncodedTokenSet {
  const ids = new Map<TokenSetNode, number>();
  const order: TokenSetNode[] = [];
  const stack = [root];
  ids.set(root, 0);
  order.push(root);
  while (stack.length) {
    const node = stack.pop()!;
    for (const child of Object.values(node.edges)) {
      if (ids.has(child)) continue;
      ids.set(child, order.length);
      order.push(child);
      stack.push(child);
    }
  }
  return order.map(n => {
    const row: (string | number)[] = [n.final ? 1 : 0];
    for (const [ch, child] of Object.entries(n.edges)) row.push(ch, ids.get(child)!);
    return row;
  });
}

export function decodeTokenSet(rows: EncodedTokenSet): lunr.TokenSet {
  const nodes = rows.map(() => new lunr.TokenSet() as unknown as TokenSetNode);
  rows.forEach((row, i) => {
    const n = nodes[i];
    n.final = row[0] === 1;
    for (let k = 1; k < row.length; k += 2) n.edges[row[k] as string] = nodes[row[k + 1] as number];
  });
  return nodes[0] as unknown as lunr.TokenSet;
}

interface SerialisedLunr {
  version: string;
  fields: string[];
  fieldVectors: [string, number[]][];
  invertedIndex: [string, object][];
  pipeline: string[];
}

/** Like lunr.Index.load, but with a prebuilt token set (falls back to lunr.Index.load without one). */
export function loadLunrIndex(json: object, tokenSet?: EncodedTokenSet): lunr.Index {
  if (!tokenSet) return lunr.Index.load(json);
  const s = json as SerialisedLunr;
  if (!Array.isArray(s.fields) || !Array.isArray(s.fieldVectors) || !Array.isArray(s.invertedIndex)) throw new Error('malformed lunr index');
  const fieldVectors: Record<string, lunr.Vector> = {};
  for (const [ref, elements] of s.fieldVectors) fieldVectors[ref] = new lunr.Vector(elements);
  const invertedIndex: Record<string, object> = Object.create(null);
  for (const [term, posting] of s.invertedIndex) invertedIndex[term] = posting;
  const Ctor = lunr.Index as unknown as new (attrs: object) => lunr.Index;
  return new Ctor({ fields: s.fields, fieldVectors, invertedIndex, tokenSet: decodeTokenSet(tokenSet), pipeline: lunr.Pipeline.load(s.pipeline) });
}
