/**
 * Loads the prebuilt KB index (dist/kb.json) and merges team postmortems from workspace folders.
 * Nothing in the bundled KB is indexed at runtime; only the (few) team postmortems are.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { EntryKind, KbDocument, KbEntry, KbIndexFile, KbProblem, SearchOptions, SearchResult } from './types';
import { KB_FORMAT_VERSION } from './types';
import { FrontMatterError, checkReferences, extractCodeBlocks, splitFrontMatter, validateEntry } from './schema';
import { PositionLookup, buildLunrIndex, docsByRef, loadLunrIndex, toDocument, type EncodedTokenSet } from './indexer';
import { searchSegments, type SearchSegment } from './search';
import { exportStaticSite, renderEntry, type RenderOptions } from './render';
import { MAX_TEAM_FILE_BYTES, teamFileProblem } from './limits';
import { stripControlsDeep } from './text';

export const DEFAULT_POSTMORTEM_DIR = '.incidents';
export const KB_FILE_NAME = 'kb.json';

export interface LoadOptions {
  /** Path to a kb.json, or the JSON text itself (starts with `{`). Default: defaultKbPath(). */
  indexJson?: string;
  /** Folders of team postmortems (incident markdown files), e.g. `<workspace>/.incidents`. Missing folders are ignored. */
  extraDirs?: string[];
  /** Optional code-block check for team postmortems: returns a problem message or undefined. */
  checkCode?: (code: string, lang: 'ts' | 'tsx' | 'js') => string | undefined;
  /** Deserialise the lunr index now rather than on the first search (benchmarks; default false). */
  eager?: boolean;
}

export interface KnowledgeBase {
  readonly version: number;
  /** Problems with team postmortem files (each bad file is skipped; everything else loads). */
  readonly errors: KbProblem[];
  readonly warnings: KbProblem[];
  get(id: string): KbEntry | undefined;
  all(): KbEntry[];
  search(query: string, opts?: SearchOptions): SearchResult[];
  /** Sanitised HTML of one entry, or undefined when the id is unknown. */
  render(id: string, opts?: RenderOptions): string | undefined;
  /** Writes an HTML page per entry (plus index.html) to `dir`; returns the files written. */
  exportHtml(dir: string): string[];
}

function findRepoRoot(start: string): string | undefined {
  let dir = start;
  for (let i = 0; i < 8; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'incident-lens') return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/**
 * Where the prebuilt index lives: next to the bundle (`dist/kb.json` when this code is bundled into
 * dist/), else `<repo>/dist/kb.json` found by walking up from this file (running from sources).
 */
export function defaultKbPath(): string {
  const here = typeof __dirname !== 'undefined' ? __dirname : process.cwd();
  const candidates = [path.join(here, KB_FILE_NAME)];
  const root = findRepoRoot(here) ?? findRepoRoot(process.cwd());
  if (root) candidates.push(path.join(root, 'dist', KB_FILE_NAME));
  return candidates.find(c => fs.existsSync(c)) ?? candidates[candidates.length - 1];
}

export class KbLoadError extends Error {}

function readIndexFile(indexJson: string | undefined): KbIndexFile {
  let text: string;
  let where: string;
  if (indexJson !== undefined && indexJson.trimStart().startsWith('{')) {
    text = indexJson;
    where = '(inline JSON)';
  } else {
    where = indexJson ?? defaultKbPath();
    try {
      text = fs.readFileSync(where, 'utf8');
    } catch {
      throw new KbLoadError(`knowledge base index not found at ${where}; build it with \`node --import tsx scripts/build-kb.ts --out dist/kb.json\``);
    }
  }
  let parsed: KbIndexFile;
  try {
    parsed = JSON.parse(text) as KbIndexFile;
  } catch (e) {
    throw new KbLoadError(`knowledge base index ${where} is not valid JSON: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || !Array.isArray(parsed.documents) || typeof parsed.index !== 'object') {
    throw new KbLoadError(`knowledge base index ${where} has no {version, index, documents}`);
  }
  if (parsed.version !== KB_FORMAT_VERSION) {
    throw new KbLoadError(`knowledge base index ${where} has format version ${parsed.version}; this build reads version ${KB_FORMAT_VERSION} (rebuild it)`);
  }
  return parsed;
}

export interface MarkdownLoadResult {
  entries: KbEntry[];
  errors: KbProblem[];
  warnings: KbProblem[];
}

/** Reads and validates `*.md` entries of one kind from a folder (one bad file never hides the others). */
export function loadMarkdownDir(dir: string, kind: EntryKind, opts: { origin?: 'builtin' | 'team'; fileLabel?: (abs: string) => string } = {}): MarkdownLoadResult {
  const out: MarkdownLoadResult = { entries: [], errors: [], warnings: [] };
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter(n => n.toLowerCase().endsWith('.md') && !n.startsWith('.')).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const abs = path.join(dir, name);
    const label = opts.fileLabel ? opts.fileLabel(abs) : abs;
    let text: string;
    try {
      // team files are size-checked before they are read (a 22 MB postmortem took minutes to load)
      const size = opts.origin === 'team' ? fs.statSync(abs).size : 0;
      if (size > MAX_TEAM_FILE_BYTES) {
        out.errors.push({ file: label, problem: teamFileProblem('', size)! });
        continue;
      }
      text = fs.readFileSync(abs, 'utf8');
    } catch (e) {
      out.errors.push({ file: label, problem: `cannot read file: ${(e as Error).message}` });
      continue;
    }
    try {
      const limit = opts.origin === 'team' ? teamFileProblem(text) : undefined;
      if (limit) {
        out.errors.push({ file: label, problem: limit });
        continue;
      }
      const { data, body } = splitFrontMatter(text);
      const res = validateEntry(data, body, { file: name, expectedKind: kind });
      for (const w of res.warnings) out.warnings.push({ file: label, problem: w });
      if (!res.entry) {
        for (const err of res.errors) out.errors.push({ file: label, problem: err });
        continue;
      }
      // a team file's text reaches terminals (kb show, check --explain): no control characters or escape sequences
      const entry = opts.origin === 'team' ? stripControlsDeep(res.entry, true) : res.entry;
      entry.file = label;
      entry.origin = opts.origin ?? 'builtin';
      out.entries.push(entry);
    } catch (e) {
      out.errors.push({ file: label, problem: e instanceof FrontMatterError ? e.message : `cannot parse: ${(e as Error).message}` });
    }
  }
  return out;
}

class KnowledgeBaseImpl implements KnowledgeBase {
  readonly version: number;
  readonly errors: KbProblem[] = [];
  readonly warnings: KbProblem[] = [];
  private readonly docs = new Map<string, KbDocument>();
  private readonly segments: SearchSegment[] = [];

  /** The prebuilt index is turned into a lunr.Index on first search: get(), all() and render() never need it. */
  private builtinIndex?: { json: object; docs: KbDocument[]; positions?: Record<string, string[]>; tokenSet?: EncodedTokenSet };

  constructor(file: KbIndexFile, eager: boolean) {
    this.version = file.version;
    for (const d of file.documents) this.docs.set(d.id, d);
    this.builtinIndex = { json: file.index, docs: file.documents, positions: file.positions, tokenSet: file.tokenSet };
    if (eager) this.ensureIndex();
  }

  private ensureIndex(): void {
    const b = this.builtinIndex;
    if (!b) return;
    this.builtinIndex = undefined;
    try {
      this.segments.unshift({
        index: loadLunrIndex(b.json, b.tokenSet),
        docs: docsByRef(b.docs),
        positions: b.positions ? new PositionLookup(b.positions) : undefined,
      });
    } catch (e) {
      // A corrupt index must not make search throw: report it; get/all/render keep working.
      this.errors.push({ file: 'kb.json', problem: `cannot load the search index: ${(e as Error).message}` });
    }
  }

  addTeamEntries(dirs: string[], checkCode?: LoadOptions['checkCode']): void {
    const known = new Map<string, EntryKind>([...this.docs.values()].map(d => [d.id, d.kind]));
    const ruleIds = [...this.docs.values()].some(d => d.kind === 'rule') ? new Set([...this.docs.values()].filter(d => d.kind === 'rule').map(d => d.id)) : undefined;
    const accepted: { entry: KbEntry; doc: KbDocument }[] = [];
    for (const dir of dirs) {
      const res = loadMarkdownDir(dir, 'incident', { origin: 'team' });
      this.errors.push(...res.errors);
      this.warnings.push(...res.warnings);
      for (const entry of res.entries) {
        // one bad file must never affect the others nor the bundled entries: each is checked in isolation
        const problems: string[] = [];
        let doc: KbDocument | undefined;
        try {
          if (known.has(entry.id) || accepted.some(a => a.entry.id === entry.id)) {
            const other = this.docs.get(entry.id)?.file ?? accepted.find(a => a.entry.id === entry.id)?.entry.file ?? 'the bundled knowledge base';
            problems.push(`duplicate id "${entry.id}" (already defined by ${other})`);
          }
          const refs = checkReferences([entry], ruleIds, known);
          problems.push(...refs.errors.map(p => p.problem));
          this.warnings.push(...refs.warnings);
          if (checkCode) {
            for (const block of extractCodeBlocks(entry.body)) {
              if (block.lang !== 'ts' && block.lang !== 'tsx' && block.lang !== 'js') continue;
              const p = checkCode(block.code, block.lang);
              if (p) problems.push(`code block at body line ${block.line} (${block.lang}) does not parse: ${p}`);
            }
          }
          if (!problems.length) doc = toDocument(entry);
        } catch (e) {
          problems.push(`cannot load it: ${(e as Error)?.message ?? String(e)}`);
        }
        if (problems.length || !doc) {
          for (const p of problems) this.errors.push({ file: entry.file ?? entry.id, problem: p });
          continue;
        }
        accepted.push({ entry, doc });
      }
    }
    if (!accepted.length) return;
    const docs = accepted.map(a => a.doc);
    for (const d of docs) {
      this.docs.set(d.id, d);
      // Back-links, so the pattern or rule page lists the team's own incidents too.
      for (const ref of [...d.patterns, ...d.rules]) {
        const target = this.docs.get(ref);
        if (target && !target.incidents.includes(d.id)) target.incidents = [...target.incidents, d.id];
      }
    }
    try {
      this.segments.push({ index: buildLunrIndex(docs), docs: docsByRef(docs) });
    } catch {
      // index them one by one, so only a document lunr cannot take is left out of search
      for (const d of docs) {
        try {
          this.segments.push({ index: buildLunrIndex([d]), docs: docsByRef([d]) });
        } catch (e) {
          this.errors.push({ file: d.file ?? d.id, problem: `cannot be indexed for search: ${(e as Error)?.message ?? String(e)}` });
        }
      }
    }
  }

  get(id: string): KbEntry | undefined {
    return typeof id === 'string' ? this.docs.get(id) : undefined;
  }

  all(): KbEntry[] {
    return [...this.docs.values()];
  }

  search(query: string, opts?: SearchOptions): SearchResult[] {
    this.ensureIndex();
    return searchSegments(this.segments, query, opts);
  }

  render(id: string, opts: RenderOptions = {}): string | undefined {
    const entry = this.get(id);
    if (!entry) return undefined;
    return renderEntry(entry, { lookup: x => this.get(x), ...opts });
  }

  exportHtml(dir: string): string[] {
    return exportStaticSite(this.all(), dir);
  }
}

/**
 * Runs `check` over the ts/tsx/js code blocks of the team postmortems in `dirs` and returns the synchronous
 * `checkCode` loadKnowledgeBase takes, answering from the results. `check` may await between snippets: after
 * tree-sitter crashed on one, the parser must be restarted (asynchronously) before the next is checked.
 */
export async function precheckTeamCode(
  dirs: string[],
  check: (code: string, lang: 'ts' | 'tsx' | 'js') => Promise<string | undefined>,
): Promise<NonNullable<LoadOptions['checkCode']>> {
  const answers = new Map<string, string | undefined>();
  for (const dir of dirs) {
    for (const entry of loadMarkdownDir(dir, 'incident', { origin: 'team' }).entries) {
      let blocks: ReturnType<typeof extractCodeBlocks>;
      try {
        blocks = extractCodeBlocks(entry.body);
      } catch {
        continue; // the load reports it
      }
      for (const b of blocks) {
        if (b.lang !== 'ts' && b.lang !== 'tsx' && b.lang !== 'js') continue;
        const key = `${b.lang}\0${b.code}`;
        if (!answers.has(key)) answers.set(key, await check(b.code, b.lang));
      }
    }
  }
  return (code, lang) => answers.get(`${lang}\0${code}`);
}

/** Loads the prebuilt index and merges team postmortems. Throws KbLoadError when the index is missing or unreadable. */
export function loadKnowledgeBase(opts: LoadOptions = {}): KnowledgeBase {
  const kb = new KnowledgeBaseImpl(readIndexFile(opts.indexJson), opts.eager ?? false);
  if (opts.extraDirs?.length) kb.addTeamEntries(opts.extraDirs, opts.checkCode);
  return kb;
}
