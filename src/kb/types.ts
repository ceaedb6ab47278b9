/** Knowledge-base types shared by the build script, the loader, the CLI and the VS Code adapter. */

export type EntryKind = 'incident' | 'pattern' | 'rule';
export const ENTRY_KINDS: readonly EntryKind[] = ['incident', 'pattern', 'rule'];

export interface Reference {
  title: string;
  url: string;
}

export interface Sources {
  primary: string[];
  secondary: string[];
}

export interface KbEntry {
  id: string;
  kind: EntryKind;
  title: string;
  summary: string;
  /** Incidents: ISO date (YYYY-MM-DD, YYYY-MM or YYYY). */
  date?: string;
  organisation?: string;
  duration?: string;
  impact?: string;
  /** URL backing the impact figure. */
  impactSource?: string;
  /** Linked rule ids. */
  rules: string[];
  /** Linked pattern ids. */
  patterns: string[];
  /** Linked incident ids. */
  incidents: string[];
  /** Incidents: primary and secondary source URLs. */
  sources?: Sources;
  /** Patterns: references with titles. */
  references?: Reference[];
  /** Patterns: npm packages that implement the pattern well. */
  libraries?: string[];
  /** Incidents: anti-pattern family codes. */
  families?: string[];
  /** Rules: default severity from the rule module. */
  severity?: string;
  /** Markdown body (without front matter). */
  body: string;
  /** Where it came from: the bundled KB or a team postmortem folder. */
  origin?: 'builtin' | 'team';
  /** Source file (repo-relative for the bundled KB, absolute for team postmortems). */
  file?: string;
}

/** A document as stored in dist/kb.json: the entry plus the exact strings that were indexed. */
export interface KbDocument extends KbEntry {
  /** Plain text of the body's prose; lunr match positions for the `body` field index into this string. */
  text: string;
  /** The body's code blocks (indexed as the `code` field; not stored in kb.json). */
  code?: string;
  /** Own id, kind, organisation, families, libraries, date: the `keywords` field. */
  keywords: string;
  /** Ids of linked entries: the `related` field. */
  related: string;
}

export interface KbIndexFile {
  /** Format version of this file. */
  version: number;
  /** ISO time the index was built. */
  builtAt?: string;
  /** lunr.Index#toJSON(), without position metadata (see `positions`). */
  index: object;
  /** Match positions per document ref and field (title, summary, body); see src/kb/indexer.ts. */
  positions?: Record<string, string[]>;
  /** The minimised vocabulary automaton (see encodeTokenSet), so loading does not rebuild it. */
  tokenSet?: (string | number)[][];
  documents: KbDocument[];
}

export interface KbProblem {
  /** File the problem is in (or the rule module for rule metadata). */
  file: string;
  problem: string;
}

export interface SearchMatch {
  field: 'title' | 'summary' | 'body' | 'code' | 'keywords' | 'related';
  /** UTF-16 offset into the document's string for that field (`title`, `summary`, `text`, `code`, `keywords`, `related`). */
  start: number;
  length: number;
}

export interface SearchResult {
  id: string;
  kind: EntryKind;
  title: string;
  score: number;
  /** A short excerpt with matched terms wrapped in « and ». */
  snippet: string;
  matches: SearchMatch[];
  origin?: 'builtin' | 'team';
}

export interface SearchOptions {
  limit?: number;
  kinds?: EntryKind[];
}

/** 4: base-36 refs, `code` not stored, match positions in a compact `positions` table, prebuilt token set. */
export const KB_FORMAT_VERSION = 4;
