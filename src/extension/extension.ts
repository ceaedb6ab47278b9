/**
 * Incident Lens for VS Code: a thin shell over the same core as the CLI.
 * Inline diagnostics on incremental trees, hovers with the incident, quick fixes and fix-all, knowledge-base
 * search and webview, workspace scan with a summary view. Everything analysis-related lives in src/core and
 * in the vscode-free ./engine and ./trees.
 */
import { MODULE_T0 } from './t0';
import * as vscode from 'vscode';
import * as path from 'path';
import { GRAMMAR_FILES, RUNTIME_WASM, initParser, loadLanguage, type LangId } from '../core/parser';
import { discoverFiles } from '../core/files';
import { defaultConfig } from '../core/config';
import { analyzeFiles, type FileReport } from '../core/project';
import { defaultResolver, settleReports } from '../project/analyze';
import { ProjectIndex } from '../project/index';
import type { Finding, TextEdit } from '../core/types';
import { allRules } from '../rules';
import type { KnowledgeBase } from '../kb/load';
import type { EntryKind, KbEntry, SearchResult } from '../kb/types';
import {
  DEFAULT_SETTINGS, DocumentEngine, SOURCE, analyzeOptionsOf, disableFileEdit, disableLineEdit, effectiveConfig, indexOfFile,
  fixAll, fixAllEdit, hoverMarkdown, plainTitle, safelyFixable, indexFilter, isExcludedDocument, langOf, orderedFixes, preferredFix,
  type DocumentAnalysis, type EffectiveConfig, type ExtensionSettings,
} from './engine';
import { EntryPanel } from './webview';
import { kbBundle } from './lazy';
import * as fs from 'fs';
import { SummaryProvider, type FileFindings } from './summary';

/** Idle time after the last keystroke before the incremental results are reconciled whole-file. */
const RECONCILE_MS = 600;
const t = vscode.l10n.t;
export const SELECTOR: vscode.DocumentSelector = [
  { language: 'typescript' }, { language: 'typescriptreact' }, { language: 'javascript' }, { language: 'javascriptreact' },
];
const LANGS = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('incidentLens');
const KIND_ICON: Record<EntryKind, string> = { incident: '$(flame)', pattern: '$(lightbulb)', rule: '$(law)' };

export interface ScanSummary { files: number; findings: number; byRule: Record<string, number>; cancelled: boolean; ms: number }

/** Findings in total and per rule (only `rules` when given). */
export function countFindings(all: readonly FileFindings[], rules?: readonly string[]): { findings: number; byRule: Record<string, number> } {
  const byRule: Record<string, number> = {};
  let findings = 0;
  for (const { findings: list } of all) for (const f of list) {
    if (rules && !rules.includes(f.ruleId)) continue;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    findings++;
  }
  return { findings, byRule };
}

/**
 * Cold-start timestamps (performance.now(): the extension host's clock, which the test suite shares), from loading
 * the bundle to the first diagnostics. Filled once; the suite turns them into the figures the README reports.
 */
export interface ColdStart {
  /** The stub (dist/extension.js) started loading the bundle; how long read + compile + evaluate took. */
  loadStart?: number;
  loadMs?: number;
  /** When VS Code called activate() (after the first diagnostics when the bundle published them first: see prewarm). */
  activateStart?: number;
  activateEnd?: number;
  parserStart?: number;
  parserReady?: number;
  grammarReady?: number;
  firstAnalysisStart?: number;
  firstAnalysisEnd?: number;
  /** The engine's own time for the first analysis (parse + query + rules + settling). */
  firstAnalysisEngineMs?: number;
  firstAnalysisParseMs?: number;
  firstAnalysisLines?: number;
  firstDiagnostics?: number;
  indexStart?: number;
  indexEnd?: number;
  /**
   * The bundle's own start before activate() (see prewarm): when it began, when its first analyses of the open
   * documents (or, with none open, the warm-up) ended, and what it did.
   */
  prewarmStart?: number;
  /** The warm-up (parser, grammar, every rule once on a small file) ended; the open documents are analysed after it. */
  prewarmWarmUpEnd?: number;
  prewarmEnd?: number;
  prewarmNote?: string;
}

/** A file that exercises every rule (their queries compiled, their code run once): see prewarm. */
const WARM_UP = `import express from 'express';
const app = express();
app.post('/orders', async (req, res) => {
  const order = await prisma.order.create({ data: req.body });
  for (let attempt = 0; attempt < 5; attempt++) {
    try { await fetch('https://api.example.com/x'); break; } catch { await new Promise(r => setTimeout(r, 1000 * 2 ** attempt)); }
  }
  const started = Date.now();
  res.json({ order, ms: Date.now() - started, id: \`\${Date.now()}\` });
});
`;
const prewarmState: { start?: number; warmUpEnd?: number; end?: number; note?: string } = {};
let activating = false;
/** What the bundle started before activate() (see prewarm), handed over to activate(). */
let early: { controller: Controller; log: vscode.LogOutputChannel; disposables: vscode.Disposable[]; first: Promise<unknown> } | undefined;

/**
 * Called by dist/extension.js in a timer after the bundle loaded, once VS Code's requests for the extension context
 * have been written (its protocol writes in a 0 ms timer; started in a microtask instead, this work ran ahead of them
 * and could delay activate() by as much, for no gain beyond the noise in the suite). VS Code then prepares the
 * extension context before it calls activate(): two storage round trips (globalState, workspaceState) to the window, which answers them after
 * whatever it is busy with, 1.5-3.4 s on a loaded machine while the extension host is free. The `vscode` API works
 * from the bundle's load, so the user's wait does not include that gap: the controller is made here, listens to
 * the documents and the settings, and analyses the documents already open (those in view first) and publishes
 * their diagnostics, exactly as it does after activation (same code, same settings: a disabled extension or rule
 * publishes nothing). activate() takes the controller over (its collection, results, listeners, all then in
 * `context.subscriptions`, so deactivation disposes them) and adds what needs the context (commands, providers,
 * watchers, the workspace index). With no document open yet, the parser, the grammar and every rule are warmed up
 * on a small file instead. Skipped when activate() has already begun; a failure here is only noted (activate()
 * then starts afresh).
 */
export function prewarm(distDir: string): void {
  if (activating || prewarmState.start !== undefined) { prewarmState.note ??= 'activate() came first'; return; }
  prewarmState.start = performance.now();
  const made: vscode.Disposable[] = [];
  try {
    const log = vscode.window.createOutputChannel('Incident Lens', { log: true });
    made.push(log);
    const c = new Controller(vscode.Uri.file(path.dirname(distDir)), log);
    made.push(c, ...c.listen());
    if (!c.settings_enable()) {
      prewarmState.note = 'disabled: nothing analysed';
      early = { controller: c, log, disposables: made, first: Promise.resolve() };
      return;
    }
    // the warm-up first (parser, grammar, every rule once on a small file): a rule's first run in the process is
    // many times slower than the next (its query compiled, its code compiled), and on a loaded machine it went over
    // the rule time budget on the user's file, which then lost that rule's findings, with a warning, until the next
    // analysis; the open documents are then analysed warm
    const first = warmUp(distDir)
      .then(() => '', e => `; warm-up failed: ${(e as Error)?.message ?? e}`)
      .then(failed => {
        // activate() may have begun meanwhile: it analyses what is not analysed yet (the same controller)
        const docs = c.openDocuments();
        prewarmState.note = (docs.length ? `analysed ${docs.length} open document(s) before activate()` : 'no document open: warm-up only') + failed;
        return c.analyzeOpen(docs);
      })
      .then(() => { prewarmState.end = performance.now(); });
    early = { controller: c, log, disposables: made, first };
  } catch (e) {
    for (const d of made) d.dispose();
    early = undefined;
    prewarmState.note = `start before activate() failed: ${(e as Error)?.message ?? e}`;
  }
}

/** Parser runtime, TypeScript grammar, the rules' queries compiled and every rule run once on a small file. */
function warmUp(distDir: string): Promise<void> {
  const read = (name: string) => fs.readFileSync(path.join(distDir, name));
  return initParser({ runtime: read(RUNTIME_WASM), grammar: l => read(GRAMMAR_FILES[l]) })
    .then(() => loadLanguage('typescript'))
    .then(() => {
      const eng = new DocumentEngine();
      try { eng.analyze('warm-up', path.join(distDir, 'warm-up.ts'), WARM_UP, 'typescript', 1, analyzeOptionsOf(defaultConfig(distDir)), true); } finally { eng.dispose(); }
      prewarmState.warmUpEnd = performance.now();
    });
}

/** What activate() returns: used by the integration suite and the benchmark (not a public API). */
export interface IncidentLensApi {
  activationMs: number;
  moduleLoadMs: number;
  coldStart: ColdStart;
  activationMarks: string[];
  analysis(uri: vscode.Uri): DocumentAnalysis | undefined;
  whenIdle(): Promise<void>;
  indexReady(): Promise<void>;
  panel(): { id: string; title: string; html: string } | undefined;
  quickPickItems(): readonly string[] | undefined;
  projectFacts(): string[];
  /** The summary view's rows (depth, label, description) and its counts, from the results everything shows. */
  summaryRows(): { depth: number; label: string; description?: string }[];
  summaryCounts(): { findings: number; byRule: Record<string, number> };
  /** True while a re-scan after a settings or config-file change is waiting or running. */
  rescanPending(): boolean;
  stats(): { trees: number; memory: NodeJS.MemoryUsage; lastScan?: ScanSummary };
}

export function entryLink(id: string): string {
  return `command:incidentLens.openEntry?${encodeURIComponent(JSON.stringify([id]))}`;
}

class Controller implements vscode.Disposable {
  readonly engine = new DocumentEngine();
  readonly collection = vscode.languages.createDiagnosticCollection(SOURCE);
  readonly status = vscode.languages.createLanguageStatusItem('incidentLens.status', SELECTOR);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly configs = new Map<string, EffectiveConfig>();
  private readonly scanned = new Map<string, FileFindings>();
  private settings: ExtensionSettings = DEFAULT_SETTINGS;
  private parserPromise: Promise<void> | undefined;
  private kbPromise: Promise<KnowledgeBase> | undefined;
  private kbSync: KnowledgeBase | undefined;
  private indexPromise: Promise<void> | undefined;
  private indexGeneration = 0;
  private summaryTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private rescanning: Promise<ScanSummary> | undefined;
  private scanChain: Promise<unknown> = Promise.resolve();
  lastScan: ScanSummary | undefined;
  cold: ColdStart = {};
  quickPick: vscode.QuickPick<vscode.QuickPickItem & { id?: string }> | undefined;
  private entryPanel: EntryPanel | undefined;
  readonly summary: SummaryProvider;
  /** Set by activate(): until then (the bundle's start, see prewarm) the workspace index is not started. */
  attached = false;

  /** `extensionUri`: from the bundle's location when made before activate(); activate() sets the context's. */
  constructor(public extensionUri: vscode.Uri, readonly log: vscode.LogOutputChannel) {
    this.readSettings();
    // the workspace index is not built yet: findings another file could void wait for it (see buildIndex)
    this.engine.holdConditional = true;
    this.status.name = 'Incident Lens';
    this.status.text = '$(eye) Incident Lens';
    this.status.command = { title: t('Show Log'), command: 'incidentLens.showOutput' };
    this.summary = new SummaryProvider(() => this.allFindings(), id => this.kbSync?.get(id));
  }

  get panel(): EntryPanel {
    return (this.entryPanel ??= new EntryPanel(this.extensionUri, () => this.kb(), id => this.rulesOf(id), this.log));
  }

  /** The listeners to documents, editors and settings (made before activate() when the bundle starts first). */
  listen(): vscode.Disposable[] {
    return [
      vscode.workspace.onDidOpenTextDocument(doc => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument(e => this.onChange(e)),
      vscode.workspace.onDidSaveTextDocument(doc => {
        if (this.supports(doc) && this.settings.run === 'onSave') this.schedule(doc, 0);
        if (doc.uri.scheme === 'file') void this.onFileChanged(doc.uri, false);
      }),
      vscode.workspace.onDidCloseTextDocument(doc => {
        const key = doc.uri.toString();
        this.engine.forget(key);
        // a scanned file shows its findings from disk again (its unsaved edits, if any, are gone)
        if (this.scanned.has(key)) void this.track(this.rescanFile(doc.uri));
        else this.collection.delete(doc.uri);
        this.refreshSummarySoon();
      }),
      vscode.window.onDidChangeActiveTextEditor(ed => { if (ed) { const r = this.engine.result(ed.document.uri.toString()); this.updateStatus(ed.document, r); } }),
      vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('incidentLens')) this.configChanged(); }),
    ];
  }

  /** The open documents this extension analyses, those in view first. */
  openDocuments(): vscode.TextDocument[] {
    const visible = new Set(vscode.window.visibleTextEditors.map(e => e.document));
    return vscode.workspace.textDocuments.filter(d => this.supports(d)).sort((a, b) => Number(visible.has(b)) - Number(visible.has(a)));
  }

  /**
   * Analyses `docs` now (the first four: nothing else runs ahead of them, and parser, grammar and analysis run
   * without a macrotask wait, see parser()) or soon (the rest); documents already analysed at their current version
   * are not redone. Settles when the first four are done.
   */
  analyzeOpen(docs: readonly vscode.TextDocument[]): Promise<unknown> {
    const todo = docs.filter(d => this.engine.result(d.uri.toString())?.version !== d.version);
    const first = todo.slice(0, 4).map(d => this.track(this.analyze(d)));
    for (const doc of todo.slice(4)) this.schedule(doc, 0);
    return Promise.allSettled(first);
  }

  // ------------------------------------------------------------------ settings and config

  readSettings(): void {
    const c = vscode.workspace.getConfiguration('incidentLens');
    const d = DEFAULT_SETTINGS;
    this.settings = {
      enable: c.get('enable', d.enable), run: c.get('run', d.run), debounceMs: Math.max(0, c.get('debounceMs', d.debounceMs)),
      rules: c.get('rules', d.rules) ?? {}, defaultTimeoutMs: c.get('defaultTimeoutMs', d.defaultTimeoutMs), browserCode: c.get('browserCode', d.browserCode),
      exclude: c.get('exclude', d.exclude) ?? [], maxFileSizeBytes: c.get('maxFileSizeBytes', d.maxFileSizeBytes), timeBudgetMs: c.get('timeBudgetMs', d.timeBudgetMs),
      ruleTimeBudgetMs: c.get('ruleTimeBudgetMs', d.ruleTimeBudgetMs),
    };
    this.configs.clear();
  }

  /**
   * The settings or a `.incident-lens.json` changed: every result they affect is re-evaluated or cleared. Open
   * documents are re-analysed; the workspace scan's results (closed files) lose at once what the change turns off
   * (rules, files now excluded) and take new severities, and a quiet re-scan re-evaluates the rest.
   */
  configChanged(): void {
    this.readSettings();
    // project facts depend on the rules' settings too (a rule turned off records none)
    this.rebuildIndex();
    if (!this.settings.enable) {
      clearTimeout(this.rescanTimer);
      this.collection.clear();
      this.scanned.clear();
      this.summary.refresh();
      return;
    }
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
    if (!this.scanned.size) return;
    for (const [key, ff] of [...this.scanned]) {
      const { config } = this.configFor(ff.uri.fsPath);
      if (!indexFilter(config)(ff.uri.fsPath)) { this.scanned.delete(key); if (!this.engine.result(key)) this.collection.delete(ff.uri); continue; }
      const findings = ff.findings.filter(f => config.rules[f.ruleId]?.enabled !== false)
        .map(f => { const sev = config.rules[f.ruleId]?.severity; return sev && sev !== f.severity ? { ...f, severity: sev } : f; });
      this.scanned.set(key, { uri: ff.uri, findings });
      if (!this.engine.result(key)) this.collection.set(ff.uri, findings.map(f => this.toDiagnostic(f)));
    }
    this.summary.refresh();
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => {
      this.rescanTimer = undefined;
      const run = this.scanWorkspace(undefined, { quiet: true });
      this.rescanning = run;
      void run.catch(() => undefined).finally(() => { if (this.rescanning === run) this.rescanning = undefined; });
    }, 300);
  }

  settings_run(): ExtensionSettings['run'] { return this.settings.run; }
  settings_enable(): boolean { return this.settings.enable; }
  hasScanned(key: string): boolean { return this.scanned.has(key); }

  configFor(file: string): EffectiveConfig {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath ?? path.dirname(file);
    let c = this.configs.get(folder);
    if (!c) {
      c = effectiveConfig(folder, this.settings);
      if (c.error) { this.log.error(c.error); void vscode.window.showWarningMessage(t('Incident Lens: {0} (the rest of the file applies)', c.error)); }
      this.configs.set(folder, c);
    }
    return c;
  }

  // ------------------------------------------------------------------ lazy resources

  /** web-tree-sitter runtime and grammars, read as bytes through workspace.fs on first use. */
  parser(lang?: LangId): Promise<void> {
    // installed on this machine (the usual case): read synchronously, so the way to the first diagnostics has no
    // macrotask wait (see core/parser.ts initParser); elsewhere through workspace.fs
    const local = this.extensionUri.scheme === 'file';
    const readSync = (name: string) => fs.readFileSync(path.join(this.extensionUri.fsPath, 'dist', name));
    const read = async (name: string) => vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'dist', name));
    if (!this.parserPromise) {
      this.parserPromise = (async () => {
        const t0 = this.cold.parserStart = performance.now();
        await initParser(local
          ? { runtime: readSync(RUNTIME_WASM), grammar: l => readSync(GRAMMAR_FILES[l]) }
          : { runtime: await read(RUNTIME_WASM), grammar: l => read(GRAMMAR_FILES[l]) });
        this.cold.parserReady = performance.now();
        this.log.info(`parser runtime loaded in ${(performance.now() - t0).toFixed(1)} ms`);
      })();
    }
    return lang ? this.parserPromise.then(() => loadLanguage(lang)).then(() => { this.cold.grammarReady ??= performance.now(); }) : this.parserPromise;
  }

  /** The prebuilt knowledge-base index (dist/kb.json), loaded on first search/hover/learn, plus team postmortems. */
  kb(): Promise<KnowledgeBase> {
    if (!this.kbPromise) {
      this.kbPromise = (async () => {
        const t0 = performance.now();
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'dist', 'kb.json'));
        const { loadKnowledgeBase } = kbBundle();
        const extraDirs = (vscode.workspace.workspaceFolders ?? []).map(f => path.join(f.uri.fsPath, this.configFor(path.join(f.uri.fsPath, 'x.ts')).config.incidentsDir));
        const kb = loadKnowledgeBase({ indexJson: new TextDecoder().decode(bytes), extraDirs });
        for (const e of kb.errors) this.log.warn(`knowledge base: ${e.file}: ${e.problem}`);
        this.log.info(`knowledge base loaded in ${(performance.now() - t0).toFixed(1)} ms (${kb.all().length} entries)`);
        this.kbSync = kb;
        this.summary.refresh();
        return kb;
      })();
      this.kbPromise.catch(e => { this.log.error(`knowledge base: ${(e as Error).message}`); this.kbPromise = undefined; });
    }
    return this.kbPromise;
  }

  rulesOf(id: string): string[] {
    const e = this.kbSync?.get(id);
    const ids = new Set<string>();
    if (e?.kind === 'rule') ids.add(e.id);
    for (const r of e?.rules ?? []) ids.add(r);
    for (const r of allRules) if (r.meta.patterns.includes(id) || r.meta.incidents.includes(id)) ids.add(r.meta.id);
    return [...ids].filter(x => allRules.some(r => r.meta.id === x));
  }

  // ------------------------------------------------------------------ documents

  supports(doc: vscode.TextDocument): boolean {
    return LANGS.has(doc.languageId) && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled') && !!langOf(doc.fileName, doc.languageId);
  }

  onChange(e: vscode.TextDocumentChangeEvent): void {
    if (!this.supports(e.document) || !e.contentChanges.length) return;
    const key = e.document.uri.toString();
    this.engine.trees.applyChanges(key, e.contentChanges);
    if (this.settings.run === 'onType') this.schedule(e.document, this.settings.debounceMs);
  }

  schedule(doc: vscode.TextDocument, delay: number, wholeFile = false): void {
    if (!this.supports(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.track(this.analyze(doc, wholeFile).then(r => {
        // once typing pauses, reconcile incremental results with a whole-file analysis (same findings as the CLI)
        if (r && r.analysisMode === 'incremental' && !wholeFile && !this.timers.has(key)) this.schedule(doc, RECONCILE_MS, true);
        return r;
      }));
    }, delay));
  }

  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.catch(e => this.log.error(String((e as Error)?.stack ?? e))).finally(() => this.pending.delete(p));
    return p;
  }

  async whenIdle(): Promise<void> {
    for (let i = 0; i < 100 && (this.timers.size || this.pending.size); i++) {
      await Promise.allSettled([...this.pending]);
      if (this.timers.size) await new Promise(r => setTimeout(r, Math.max(20, this.settings.debounceMs)));
    }
  }

  /** Parses (incrementally) and analyses one document, then publishes its diagnostics. */
  async analyze(doc: vscode.TextDocument, wholeFile = false): Promise<DocumentAnalysis | undefined> {
    const key = doc.uri.toString();
    if (doc.isClosed) return undefined;
    const lang = langOf(doc.fileName, doc.languageId);
    const { config } = this.configFor(doc.uri.fsPath);
    if (!this.settings.enable || !lang || isExcludedDocument(doc.uri.fsPath, config)) {
      this.engine.forget(key);
      this.collection.delete(doc.uri);
      return undefined;
    }
    const text = doc.getText();
    if (text.length > config.maxFileSizeBytes) {
      this.engine.forget(key);
      this.collection.delete(doc.uri);
      this.updateStatus(doc, undefined, t('skipped: larger than {0} bytes', config.maxFileSizeBytes));
      return undefined;
    }
    const first = this.cold.firstAnalysisStart === undefined;
    if (first) this.cold.firstAnalysisStart = performance.now();
    await this.parser(lang);
    if (doc.isClosed) return undefined;
    const r = this.engine.analyze(key, doc.uri.fsPath, doc.getText(), lang, doc.version, analyzeOptionsOf(config), wholeFile);
    this.collection.set(doc.uri, r.findings.map(f => this.toDiagnostic(f)));
    if (first) {
      Object.assign(this.cold, { firstAnalysisEnd: performance.now(), firstAnalysisEngineMs: r.ms, firstAnalysisParseMs: r.parseMs, firstAnalysisLines: doc.lineCount });
      this.log.info(`first analysis: ${vscode.workspace.asRelativePath(doc.uri)} (${doc.lineCount} lines) in ${r.ms.toFixed(1)} ms (parse ${r.parseMs.toFixed(1)} ms), ${(performance.now() - this.cold.firstAnalysisStart!).toFixed(0)} ms after it was requested`);
    }
    if (r.findings.length && this.cold.firstDiagnostics === undefined) this.cold.firstDiagnostics = performance.now();
    // a whole-file analysis refreshed this document's symbols: open documents whose findings depend on it re-settle
    if (r.symbols && doc.uri.scheme === 'file') this.resettle(this.engine.dependents(doc.uri.fsPath));
    for (const e of r.ruleErrors) this.log.error(e);
    // a rule over its time budget, crashed or capped, or the document skipped: told once per document (the rest of
    // the document's findings and the other documents are unaffected)
    for (const n of this.engine.notices.fresh(key, r)) {
      void vscode.window.showWarningMessage(t('Incident Lens: {0}', n.split(doc.uri.fsPath).join(vscode.workspace.asRelativePath(doc.uri))), t('Show Log'))
        .then(a => { if (a) this.log.show(true); });
    }
    if (doc.uri.scheme === 'file' && this.engine.facts.set(doc.uri.fsPath, r.projectFacts)) this.factsChanged(key);
    if (r.ms > this.settings.timeBudgetMs) {
      this.log.warn(`analysis of ${vscode.workspace.asRelativePath(doc.uri)} took ${r.ms.toFixed(1)} ms (budget ${this.settings.timeBudgetMs} ms)`);
    } else {
      this.log.trace(`analysed ${vscode.workspace.asRelativePath(doc.uri)} v${doc.version}: ${r.findings.length} findings, ${r.ms.toFixed(2)} ms (${r.parseKind} parse ${r.parseMs.toFixed(2)} ms)`);
    }
    this.updateStatus(doc, r);
    this.refreshSummarySoon();
    return r;
  }

  /** The analysis matching the document's current version (re-analysed synchronously when stale). */
  async current(doc: vscode.TextDocument): Promise<DocumentAnalysis | undefined> {
    const r = this.engine.result(doc.uri.toString());
    if (r && r.version === doc.version) return r;
    return this.analyze(doc);
  }

  toDiagnostic(f: Finding): vscode.Diagnostic {
    const d = new vscode.Diagnostic(
      new vscode.Range(f.startPos.line, f.startPos.column, f.endPos.line, f.endPos.column), f.message,
      f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
    );
    d.source = SOURCE;
    d.code = { value: f.ruleId, target: vscode.Uri.parse(entryLink(f.ruleId)) };
    if (f.related?.length) {
      d.relatedInformation = f.related.map(x => new vscode.DiagnosticRelatedInformation(
        new vscode.Location(vscode.Uri.file(x.file), new vscode.Range(x.startPos.line, x.startPos.column, x.endPos.line, x.endPos.column)), x.message));
    }
    return d;
  }

  /** Re-settles open documents against the project index (another file's symbols changed) and republishes them. */
  resettle(keys: string[]): void {
    for (const key of keys) {
      const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === key);
      const r = doc && this.engine.resettle(key);
      if (!doc || !r) continue;
      this.collection.set(doc.uri, r.findings.map(f => this.toDiagnostic(f)));
      this.updateStatus(doc, r);
    }
    if (keys.length) this.refreshSummarySoon();
  }

  /** Another file's project facts changed: re-analyse the open documents (their conditional findings may flip). */
  factsChanged(exceptKey?: string): void {
    for (const doc of vscode.workspace.textDocuments) if (doc.uri.toString() !== exceptKey && this.engine.result(doc.uri.toString())) this.schedule(doc, 50);
  }

  updateStatus(doc: vscode.TextDocument, r: DocumentAnalysis | undefined, note?: string): void {
    if (vscode.window.activeTextEditor?.document !== doc) return;
    if (!r) {
      this.status.text = '$(eye-closed) Incident Lens';
      this.status.detail = note ?? (this.settings.enable ? '' : t('disabled'));
      this.status.severity = vscode.LanguageStatusSeverity.Information;
      return;
    }
    const over = r.ms > this.settings.timeBudgetMs;
    this.status.text = r.findings.length ? `$(eye) Incident Lens: ${r.findings.length}` : '$(eye) Incident Lens';
    // a notice (a rule over its budget or crashed, the document skipped) outranks the timing
    const notice = r.skipped ?? r.ruleErrors[0];
    if (notice) {
      this.status.detail = notice.split(doc.uri.fsPath).join(vscode.workspace.asRelativePath(doc.uri));
      this.status.severity = vscode.LanguageStatusSeverity.Warning;
      return;
    }
    this.status.detail = over
      ? t('analysis took {0} ms, over the {1} ms budget', r.ms.toFixed(1), this.settings.timeBudgetMs)
      : r.deferred
        ? t('{0} findings (as before the edit: the code does not parse yet) · {1} ms', r.findings.length, r.ms.toFixed(1))
        : t('{0} findings · {1} ms ({2})', r.findings.length, r.ms.toFixed(1), r.parseKind);
    this.status.severity = over ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  }

  // ------------------------------------------------------------------ background workspace index

  /** Project facts of every workspace file, in the background (chunked, never blocking the host for long). */
  buildIndex(): Promise<void> {
    if (this.indexPromise) return this.indexPromise;
    const gen = ++this.indexGeneration;
    this.indexPromise = this.track((async () => {
      try { await this.indexWorkspace(gen); } finally {
        // the open documents are re-analysed with every file's facts (and, from now on, findings another file could
        // void are shown: see DocumentEngine.holdConditional)
        if (gen === this.indexGeneration) { this.engine.holdConditional = false; this.factsChanged(); }
      }
    })());
    return this.indexPromise;
  }

  private async indexWorkspace(gen: number): Promise<void> {
    await this.parser();
    const t0 = performance.now();
    this.cold.indexStart ??= t0;
    let n = 0;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const { config } = this.configFor(path.join(folder.uri.fsPath, 'x.ts'));
      const { files } = discoverFiles([folder.uri.fsPath], folder.uri.fsPath, config);
      for (const file of files) {
        if (gen !== this.indexGeneration) return;
        if (this.isOpenDirty(file)) continue;
        const lang = langOf(file, '');
        if (lang) await loadLanguage(lang);
        const idx = indexOfFile(file, config);
        if (idx) { this.engine.facts.set(file, idx.facts); this.engine.project.set(file, idx.symbols); }
        if (++n % 10 === 0) await new Promise(r => setTimeout(r, 0));
      }
    }
    this.cold.indexEnd ??= performance.now();
    this.log.info(`workspace index: ${n} files (symbols of ${this.engine.project.size}), facts [${[...this.engine.facts.all()].join(', ')}] in ${(performance.now() - t0).toFixed(0)} ms`);
  }

  rebuildIndex(): void {
    // before activate() the index has not started (activate() starts it, after the watchers that keep it current)
    if (!this.attached) return;
    this.indexPromise = undefined;
    void this.buildIndex();
  }

  isOpenDirty(file: string): boolean {
    return vscode.workspace.textDocuments.some(d => d.uri.fsPath === file && d.isDirty);
  }

  async onFileChanged(uri: vscode.Uri, deleted: boolean): Promise<void> {
    const file = uri.fsPath;
    if (deleted) {
      if (this.engine.facts.delete(file)) this.factsChanged();
      this.resettle(this.engine.setFileSymbols(file, undefined));
      if (this.scanned.delete(uri.toString())) {
        if (!this.engine.result(uri.toString())) this.collection.delete(uri);
        this.refreshSummarySoon();
      }
      return;
    }
    if (this.isOpenDirty(file)) return;
    const { config } = this.configFor(file);
    if (!indexFilter(config)(file)) return;
    const lang = langOf(file, '');
    if (!lang) return;
    await this.parser(lang);
    const idx = indexOfFile(file, config);
    if (!idx) return;
    if (this.engine.facts.set(file, idx.facts)) this.factsChanged(uri.toString());
    // the project layer: open documents whose findings depend on this file (a service a handler calls) re-settle
    this.resettle(this.engine.setFileSymbols(file, idx.symbols));
    if (this.scanned.has(uri.toString())) await this.rescanFile(uri);
  }

  // ------------------------------------------------------------------ workspace scan

  /** Scans run one after another (a re-scan after a config change waits for a running scan). */
  scanWorkspace(onlyRules?: string[], opts: { quiet?: boolean } = {}): Promise<ScanSummary> {
    const run = this.scanChain.then(() => this.scanOnce(onlyRules, opts));
    this.scanChain = run.catch(() => undefined);
    return run;
  }

  /** True while a re-scan after a config change is waiting or running (tests). */
  rescanPending(): boolean { return !!this.rescanTimer || !!this.rescanning; }

  /** Whether the workspace was scanned (its results are kept current: see configChanged, rescanFile). */
  hasScan(): boolean { return this.lastScan !== undefined && !this.lastScan.cancelled && this.settings.enable; }

  private async scanOnce(onlyRules: string[] | undefined, opts: { quiet?: boolean }): Promise<ScanSummary> {
    // a config change re-scans quietly (the status bar, not a notification)
    const location = opts.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
    return vscode.window.withProgress({ location, title: t('Incident Lens: scanning the workspace'), cancellable: !opts.quiet }, async (progress, token) => {
      const t0 = performance.now();
      await this.parser();
      const reports: FileReport[] = [];
      let total = 0;
      const plans = (vscode.workspace.workspaceFolders ?? []).filter(f => f.uri.scheme === 'file').map(f => {
        const { config } = this.configFor(path.join(f.uri.fsPath, 'x.ts'));
        const files = discoverFiles([f.uri.fsPath], f.uri.fsPath, config).files;
        total += files.length;
        return { config, files };
      });
      let done = 0;
      let cancelled = false;
      const rules = allRules;
      outer: for (const { config, files } of plans) {
        for (let i = 0; i < files.length; i += 8) {
          if (token.isCancellationRequested) { cancelled = true; break outer; }
          const chunk = files.slice(i, i + 8);
          const r = await analyzeFiles(chunk, { config, rules });
          for (const n of r.notices) this.log.info(`scan: ${n}`);
          reports.push(...r.files);
          done += chunk.length;
          progress.report({ increment: (chunk.length / Math.max(1, total)) * 100, message: t('{0}/{1} files', done, total) });
          await new Promise(res => setTimeout(res, 0));
        }
      }
      // the same project pass as the CLI: facts from every file void conditional findings everywhere, and pending
      // findings are settled against every scanned file's symbols
      // an open document with unsaved edits takes part with what it says now, not what is on disk (its own
      // findings are its live analysis: see allFindings)
      for (const r of reports) {
        if (!this.isOpenDirty(r.file)) continue;
        const live = this.engine.result(vscode.Uri.file(r.file).toString());
        if (live) { r.projectFacts = live.projectFacts; r.symbols = this.engine.project.symbols(r.file) ?? r.symbols; }
      }
      const facts = new Set(reports.flatMap(r => r.projectFacts));
      let factsChanged = false;
      for (const r of reports) {
        r.findings = r.findings.filter(f => !f.unlessFacts?.some(x => facts.has(x)));
        if (!this.isOpenDirty(r.file) && this.engine.facts.set(r.file, r.projectFacts)) factsChanged = true;
      }
      // open documents' findings that another file's facts decide follow the facts the scan found
      if (factsChanged) this.factsChanged();
      for (const { config } of plans) {
        const index = new ProjectIndex(defaultResolver([config.root]));
        for (const r of reports) if (r.symbols) index.set(r.file, r.symbols);
        const mine = reports.filter(r => r.file.startsWith(config.root + path.sep) || r.file === config.root);
        settleReports({ files: mine, notices: [], projectFacts: facts }, index, rules, config.rules);
      }
      if (!cancelled) {
        const now = new Set(reports.map(r => r.file));
        for (const old of this.scanned.values()) if (!now.has(old.uri.fsPath) && !this.engine.result(old.uri.toString())) this.collection.delete(old.uri);
        this.scanned.clear();
      }
      for (const r of reports) {
        const uri = vscode.Uri.file(r.file);
        this.scanned.set(uri.toString(), { uri, findings: r.findings });
        // open documents keep their live analysis (it may include unsaved edits)
        if (!this.engine.result(uri.toString())) this.collection.set(uri, r.findings.map(f => this.toDiagnostic(f)));
      }
      // one source of truth: the counts are those of what the Problems panel and the summary view show (open
      // documents' live analyses over the scanned files on disk)
      const summary: ScanSummary = { files: reports.length, ...countFindings(this.allFindings(), onlyRules), cancelled, ms: Math.round(performance.now() - t0) };
      this.lastScan = summary;
      this.log.info(`scan: ${summary.findings} findings in ${summary.files} files (${summary.ms} ms)${cancelled ? ', cancelled' : ''}`);
      this.summary.refresh();
      void this.kb().then(() => this.summary.refresh(), () => undefined);
      return summary;
    });
  }

  /**
   * A scanned file changed on disk or was closed: its scanned findings are redone from disk (settled against the
   * workspace index), so the Problems panel and the summary view keep agreeing with each other and with the disk.
   */
  async rescanFile(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    if (!this.scanned.has(key) || !this.settings.enable) return;
    const { config } = this.configFor(uri.fsPath);
    await this.parser();
    const r = await analyzeFiles([uri.fsPath], { config, rules: allRules });
    const report = r.files[0];
    if (!this.scanned.has(key)) return;
    if (!report) { this.scanned.delete(key); if (!this.engine.result(key)) this.collection.delete(uri); this.refreshSummarySoon(); return; }
    const facts = new Set([...this.engine.facts.factsExcluding(report.file), ...report.projectFacts]);
    report.findings = report.findings.filter(f => !f.unlessFacts?.some(x => facts.has(x)));
    settleReports({ files: [report], notices: [], projectFacts: facts }, this.engine.project, allRules, config.rules);
    this.scanned.set(key, { uri, findings: report.findings });
    if (!this.engine.result(key)) this.collection.set(uri, report.findings.map(f => this.toDiagnostic(f)));
    this.refreshSummarySoon();
  }

  allFindings(): FileFindings[] {
    const out = new Map<string, FileFindings>(this.scanned);
    for (const doc of vscode.workspace.textDocuments) {
      const r = this.engine.result(doc.uri.toString());
      if (r) out.set(doc.uri.toString(), { uri: doc.uri, findings: r.findings });
    }
    return [...out.values()];
  }

  refreshSummarySoon(): void {
    if (this.summaryTimer) return;
    this.summaryTimer = setTimeout(() => { this.summaryTimer = undefined; this.summary.refresh(); }, 300);
  }

  // ------------------------------------------------------------------ code actions

  async codeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, ctx: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    if (!this.settings.enable || !this.supports(doc)) return [];
    const out: vscode.CodeAction[] = [];
    const wantsFixAll = ctx.only && (ctx.only.contains(FIX_ALL_KIND) || FIX_ALL_KIND.contains(ctx.only));
    if (wantsFixAll) {
      const a = await this.fixAllAction(doc);
      if (a) out.push(a);
    }
    if (ctx.only && !ctx.only.contains(vscode.CodeActionKind.QuickFix) && !vscode.CodeActionKind.QuickFix.contains(ctx.only)) return out;
    const r = await this.current(doc);
    if (!r || token.isCancellationRequested) return out;
    const kb = await this.kb().catch(() => undefined);
    const mine = ctx.diagnostics.filter(d => d.source === SOURCE);
    const findings = r.findings.filter(f => {
      const fr = new vscode.Range(f.startPos.line, f.startPos.column, f.endPos.line, f.endPos.column);
      return mine.length
        ? mine.some(d => d.range.isEqual(fr) && (typeof d.code === 'object' ? d.code.value : d.code) === f.ruleId)
        : !!fr.intersection(range);
    });
    const learned = new Set<string>();
    for (const f of findings) {
      const diag = mine.find(d => d.range.start.line === f.startPos.line && d.range.start.character === f.startPos.column) ?? this.toDiagnostic(f);
      const preferred = preferredFix(f.fixes);
      for (const fix of orderedFixes(f.fixes)) {
        const a = new vscode.CodeAction(plainTitle(fix.title), vscode.CodeActionKind.QuickFix);
        a.edit = this.workspaceEdit(doc, fix.edits);
        a.diagnostics = [diag];
        a.isPreferred = fix === preferred;
        out.push(a);
      }
      const line = new vscode.CodeAction(t('Disable {0} for this line', f.ruleId), vscode.CodeActionKind.QuickFix);
      line.edit = this.workspaceEdit(doc, [disableLineEdit(r.text, f)]);
      line.diagnostics = [diag];
      out.push(line);
      const file = new vscode.CodeAction(t('Disable {0} for this file', f.ruleId), vscode.CodeActionKind.QuickFix);
      file.edit = this.workspaceEdit(doc, [disableFileEdit(r.text, f.ruleId)]);
      file.diagnostics = [diag];
      out.push(file);
      const learn = (id: string | undefined) => {
        if (!id || learned.has(id)) return;
        learned.add(id);
        const e = kb?.get(id);
        const a = new vscode.CodeAction(t('Learn: {0}', e?.title ?? id), vscode.CodeActionKind.QuickFix);
        a.command = { command: 'incidentLens.openEntry', title: a.title, arguments: [id] };
        a.diagnostics = [diag];
        out.push(a);
      };
      learn(f.incidents.find(id => !kb || kb.get(id)));
      learn(f.patterns.find(id => !kb || kb.get(id)));
    }
    // the file-wide entry (ESLint's "Fix all auto-fixable problems"), last: runs the fix-all command, which says
    // how many it fixed
    const fixable = findings.length ? safelyFixable(r.findings) : 0;
    if (fixable) {
      const all = new vscode.CodeAction(t('Fix all safe Incident Lens problems in this file ({0})', fixable), vscode.CodeActionKind.QuickFix);
      all.command = { command: 'incidentLens.fixAll', title: all.title, arguments: [doc.uri] };
      out.push(all);
    }
    return out;
  }

  async fixAllResult(doc: vscode.TextDocument): Promise<{ edit?: TextEdit; fixed: number; remaining: number }> {
    const lang = langOf(doc.fileName, doc.languageId);
    if (!lang) return { fixed: 0, remaining: 0 };
    await this.parser(lang);
    const { config } = this.configFor(doc.uri.fsPath);
    return fixAll(doc.uri.fsPath, doc.getText(), lang, { ...analyzeOptionsOf(config), projectFacts: this.engine.facts.factsExcluding(doc.uri.fsPath) });
  }

  async fixAllAction(doc: vscode.TextDocument): Promise<vscode.CodeAction | undefined> {
    const lang = langOf(doc.fileName, doc.languageId);
    if (!lang) return undefined;
    await this.parser(lang);
    const { config } = this.configFor(doc.uri.fsPath);
    const edit = fixAllEdit(doc.uri.fsPath, doc.getText(), lang, { ...analyzeOptionsOf(config), projectFacts: this.engine.facts.factsExcluding(doc.uri.fsPath) });
    const a = new vscode.CodeAction(t('Incident Lens: fix all safe problems'), FIX_ALL_KIND);
    if (edit) a.edit = this.workspaceEdit(doc, [edit]);
    else a.edit = new vscode.WorkspaceEdit();
    return a;
  }

  workspaceEdit(doc: vscode.TextDocument, edits: TextEdit[]): vscode.WorkspaceEdit {
    const we = new vscode.WorkspaceEdit();
    for (const e of edits) we.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
    return we;
  }

  // ------------------------------------------------------------------ hover

  async hover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const r = this.engine.result(doc.uri.toString());
    if (!r || r.version !== doc.version) return undefined;
    const hits = r.findings.filter(f => new vscode.Range(f.startPos.line, f.startPos.column, f.endPos.line, f.endPos.column).contains(pos));
    if (!hits.length) return undefined;
    const kb = await this.kb().catch(() => undefined);
    // VS Code's diagnostic hover already shows each message and rule code: ours adds only the knowledge base's part
    const texts = [...new Set(hits.map(f => hoverMarkdown(f, id => kb?.get(id), entryLink, (m, ...a) => t(m, ...a))).filter(Boolean))];
    if (!texts.length) return undefined;
    const md = new vscode.MarkdownString(texts.join('\n\n---\n\n'), true);
    md.isTrusted = { enabledCommands: ['incidentLens.openEntry'] };
    const f = hits[0];
    return new vscode.Hover(md, new vscode.Range(f.startPos.line, f.startPos.column, f.endPos.line, f.endPos.column));
  }

  // ------------------------------------------------------------------ search

  async search(initial?: string): Promise<string | undefined> {
    const kb = await this.kb();
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { id?: string }>();
    this.quickPick = qp;
    qp.title = t('Incident Lens: Search Incidents and Patterns');
    qp.placeholder = t('Search incidents, patterns and rules (e.g. "timeout", "retry storm", "leap second")');
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    const toItem = (e: KbEntry, r?: SearchResult) => ({
      id: e.id,
      label: `${KIND_ICON[e.kind]} ${e.title}`,
      description: e.kind === 'incident' ? [e.date, e.organisation].filter(Boolean).join(' · ') : e.kind,
      detail: r?.snippet.replace(/[«»]/g, '') ?? e.summary,
      alwaysShow: true,
    });
    const all = kb.all().slice().sort((a, b) => a.kind.localeCompare(b.kind) || (b.date ?? '').localeCompare(a.date ?? '') || a.title.localeCompare(b.title));
    const update = (q: string) => {
      qp.items = q.trim()
        ? kb.search(q, { limit: 40 }).map(r => kb.get(r.id) && toItem(kb.get(r.id)!, r)).filter((x): x is NonNullable<typeof x> => !!x)
        : all.map(e => toItem(e));
    };
    qp.onDidChangeValue(update);
    qp.value = initial ?? '';
    update(qp.value);
    return new Promise<string | undefined>(resolve => {
      qp.onDidAccept(async () => {
        const id = qp.selectedItems[0]?.id ?? qp.activeItems[0]?.id;
        qp.hide();
        if (id) await this.panel.show(id);
        resolve(id);
      });
      qp.onDidHide(() => { qp.dispose(); if (this.quickPick === qp) this.quickPick = undefined; resolve(undefined); });
      qp.show();
    });
  }

  async openIncident(id?: string): Promise<boolean> {
    if (typeof id === 'string' && id) return this.panel.show(id);
    const kb = await this.kb();
    const pick = await vscode.window.showQuickPick(
      kb.all().filter(e => e.kind === 'incident').sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '')).map(e => ({ label: `$(flame) ${e.title}`, description: [e.date, e.organisation].filter(Boolean).join(' · '), detail: e.summary, id: e.id })),
      { title: t('Incident Lens: Open Incident…'), matchOnDescription: true, matchOnDetail: true },
    );
    return pick ? this.panel.show(pick.id) : false;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    clearTimeout(this.summaryTimer);
    this.engine.dispose();
    this.collection.dispose();
    this.status.dispose();
    this.entryPanel?.dispose();
  }
}

/** `load`: from the stub that loads this bundle (dist/extension.js, see scripts/build.mjs). */
export async function activate(context: vscode.ExtensionContext, load?: { start: number; loadMs: number }): Promise<IncidentLensApi> {
  const t0 = performance.now();
  activating = true;
  const marks: string[] = [];
  const mark = (what: string) => marks.push(`${what} ${(performance.now() - t0).toFixed(1)}`);
  // what the bundle started before activate() (see prewarm) is taken over: its controller (diagnostics already
  // published, results, trees) and its listeners go into context.subscriptions, so deactivation disposes them
  const handed = early;
  early = undefined;
  const log = handed?.log ?? vscode.window.createOutputChannel('Incident Lens', { log: true });
  mark('log');
  const c = handed?.controller ?? new Controller(context.extensionUri, log);
  c.extensionUri = context.extensionUri;
  c.attached = true;
  Object.assign(c.cold, { activateStart: t0, loadStart: load?.start, loadMs: load?.loadMs });
  mark(handed ? 'controller (from the bundle\'s start)' : 'controller');
  const sub = (d: vscode.Disposable) => context.subscriptions.push(d);
  for (const d of handed?.disposables ?? [log, c, ...c.listen()]) sub(d);
  mark('events');
  mark('watchers');
  sub(vscode.languages.registerCodeActionsProvider(SELECTOR, { provideCodeActions: (d, r, x, tok) => c.codeActions(d, r, x, tok) }, {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  }));
  sub(vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (d, p) => c.hover(d, p) }));

  sub(vscode.commands.registerCommand('incidentLens.searchKnowledgeBase', (q?: string) => c.search(typeof q === 'string' ? q : undefined)));
  sub(vscode.commands.registerCommand('incidentLens.openEntry', (id?: string) => c.openIncident(id)));
  sub(vscode.commands.registerCommand('incidentLens.openIncident', (id?: string) => c.openIncident(id)));
  sub(vscode.commands.registerCommand('incidentLens.scanWorkspace', () => c.scanWorkspace()));
  sub(vscode.commands.registerCommand('incidentLens.findRulesInWorkspace', async (id: string) => {
    const rules = c.rulesOf(id);
    // the workspace is scanned once; after that its results are kept current, so they are counted, not redone
    const s = c.hasScan() ? { ...c.lastScan!, ...countFindings(c.allFindings(), rules) } : await c.scanWorkspace(rules);
    const files = c.allFindings().filter(ff => ff.findings.some(f => rules.includes(f.ruleId))).length;
    await vscode.commands.executeCommand('incidentLens.summary.focus');
    void vscode.window.showInformationMessage(t('Incident Lens: {0} findings of {1} in {2} files', s.findings, rules.join(', '), files));
    return { ...s, filesWithFindings: files };
  }));
  sub(vscode.commands.registerCommand('incidentLens.fixAll', async (target?: vscode.Uri) => {
    const doc = target instanceof vscode.Uri ? vscode.workspace.textDocuments.find(d => d.uri.toString() === target.toString()) : vscode.window.activeTextEditor?.document;
    if (!doc || !c.supports(doc)) return { fixed: 0, remaining: 0, applied: false };
    const r = await c.fixAllResult(doc);
    const applied = r.edit ? await vscode.workspace.applyEdit(c.workspaceEdit(doc, [r.edit])) : false;
    // feedback: how many were fixed, and how many need a decision (no safe fix)
    const msg = !r.fixed && !r.remaining ? t('Incident Lens: no problems to fix in this file')
      : !r.fixed ? t('Incident Lens: nothing fixed; {0} problems have no safe fix (see the quick fixes)', r.remaining)
        : r.remaining ? t('Incident Lens: fixed {0} problems; {1} have no safe fix (see the quick fixes)', r.fixed, r.remaining)
          : t('Incident Lens: fixed {0} problems', r.fixed);
    void vscode.window.showInformationMessage(msg);
    c.log.info(`fix all in ${vscode.workspace.asRelativePath(doc.uri)}: ${r.fixed} fixed, ${r.remaining} left`);
    return { fixed: r.fixed, remaining: r.remaining, applied, message: msg };
  }));
  sub(vscode.commands.registerCommand('incidentLens.showOutput', () => log.show(true)));
  sub(vscode.window.registerTreeDataProvider('incidentLens.summary', c.summary));

  mark('commands');
  // documents already open at activation (the one that triggered onLanguage) — after activation returns
  // file watchers for the background index, also after activation (creating them costs an RPC round-trip)
  // the workspace index starts after the first analyses; until it is built, findings another file could void wait
  // (DocumentEngine.holdConditional, set by the Controller)
  setImmediate(() => {
    // first the documents already open (the one that triggered activation among them) that the bundle's start has
    // not analysed at their current version, those in view first (see Controller.analyzeOpen)
    const first = [c.analyzeOpen(c.openDocuments()), handed?.first];
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}');
    sub(watcher);
    sub(watcher.onDidCreate(u => void c.onFileChanged(u, false)));
    sub(watcher.onDidChange(u => void c.onFileChanged(u, false)));
    sub(watcher.onDidDelete(u => void c.onFileChanged(u, true)));
    const cfgWatcher = vscode.workspace.createFileSystemWatcher('**/.incident-lens.json');
    sub(cfgWatcher);
    const reloadConfig = () => c.configChanged();
    sub(cfgWatcher.onDidCreate(reloadConfig)); sub(cfgWatcher.onDidChange(reloadConfig)); sub(cfgWatcher.onDidDelete(reloadConfig));
    // then the background index (project facts, symbols), then the knowledge base, so the first hover has it
    void Promise.allSettled(first).then(() => c.buildIndex()).then(() => setTimeout(() => void c.kb().catch(() => undefined), 1000));
  });

  c.cold.activateEnd = performance.now();
  const activationMs = c.cold.activateEnd - t0;
  // loading the bundle (read + compile + evaluate, timed by the stub); evaluation alone when started without it
  const moduleLoadMs = load?.loadMs ?? t0 - MODULE_T0;
  log.info(`activated in ${activationMs.toFixed(1)} ms (+ ${moduleLoadMs.toFixed(1)} ms loading the bundle; ${marks.join(', ')}); VS Code ${vscode.version}`);
  return {
    activationMs, moduleLoadMs, activationMarks: marks, get coldStart() { return { ...c.cold, prewarmStart: prewarmState.start, prewarmWarmUpEnd: prewarmState.warmUpEnd, prewarmEnd: prewarmState.end, prewarmNote: prewarmState.note }; },
    analysis: uri => c.engine.result(uri.toString()),
    whenIdle: () => c.whenIdle(),
    indexReady: () => c.buildIndex(),
    panel: () => c.panel.state,
    quickPickItems: () => c.quickPick?.items.map(i => i.label),
    projectFacts: () => [...c.engine.facts.all()],
    summaryRows: () => c.summary.rows(),
    summaryCounts: () => countFindings(c.allFindings()),
    rescanPending: () => c.rescanPending(),
    stats: () => ({ trees: c.engine.trees.size, memory: process.memoryUsage(), lastScan: c.lastScan }),
  };
}

export function deactivate(): void { /* disposables are in context.subscriptions */ }

