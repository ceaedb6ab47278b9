/// <reference types="mocha" />
// Integration suite: runs inside a real VS Code extension host (code-server here, @vscode/test-electron where
// VS Code can be downloaded) on a copy of test/vscode/fixtures/workspace.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IncidentLensApi } from '../../../src/extension/extension';
import { main as cli } from '../../../src/cli/main';
import { GRAMMAR_FILES, RUNTIME_WASM, initParser } from '../../../src/core/parser';

import { EXT_ID, SOURCE, codeActions, codeOf, file, open, ours, rangeOf, restore, root, waitFor } from './helpers';

let api: IncidentLensApi;
const metrics: Record<string, unknown> = {};
/** A diagnostic as compared between the cold start and later: range, rule, severity, message. */
const snapshot = (d: vscode.Diagnostic) => JSON.stringify([rangeOf(d), codeOf(d), d.severity, d.message]);
/** client.ts's diagnostics of ours when the suite first saw them after the cold start. */
let firstSeen: string[] | undefined;

suite('Incident Lens in a real VS Code', () => {
  suiteSetup(async function (this: Mocha.Context) {
    this.timeout(120000);
    const ext = vscode.extensions.getExtension<IncidentLensApi>(EXT_ID);
    assert.ok(ext, `extension ${EXT_ID} is installed`);
    assert.strictEqual(ext!.isActive, false, 'not activated before a TS/JS document opens');
    // cold start: the first TS document opens, VS Code loads and activates the extension, diagnostics appear
    const client = file('src/client.ts');
    const tOpen = performance.now();
    let tDiag: number | undefined;
    const watch = vscode.languages.onDidChangeDiagnostics(e => {
      if (tDiag === undefined && e.uris.some(u => u.toString() === client.toString()) && ours(client).length) {
        tDiag = performance.now();
        firstSeen = ours(client).map(snapshot).sort();
      }
    });
    await open('src/client.ts');
    api = await waitFor('activation', async () => ext!.isActive && (await ext!.activate()), 120000);
    // generous: a cold start on a loaded machine (2 cores shared by many processes) can take many seconds
    await waitFor('first diagnostics after a cold start', () => tDiag !== undefined, 120000);
    watch.dispose();
    const c = api.coldStart;
    const ms = (a?: number, b?: number) => (a === undefined || b === undefined ? null : +(b - a).toFixed(1));
    metrics.coldStart = {
      // what the user waits for: the file is opened (extension not loaded yet) → its diagnostics are shown
      fileOpenedToFirstDiagnosticsMs: ms(tOpen, tDiag),
      // VS Code's part: the open → the activation event → it starts loading our bundle
      fileOpenedToBundleLoadMs: ms(tOpen, c.loadStart),
      // from the bundle's load: its own start (prewarm: the open documents analysed and published) → first diagnostics
      bundleLoadToFirstDiagnosticsMs: ms(c.loadStart, tDiag),
      bundleLoadToPublishedMs: ms(c.loadStart, c.firstDiagnostics),
      // the bundle loaded → its start began (dist/extension.js's timer: the extension host is busy with other work meanwhile)
      bundleLoadedToStartMs: ms(c.loadStart === undefined || c.loadMs === undefined ? undefined : c.loadStart + c.loadMs, c.prewarmStart),
      // VS Code's activation wait (extension context: storage round trips to the window) → activate() called
      fileOpenedToActivateMs: ms(tOpen, c.activateStart),
      bundleLoadToActivateMs: ms(c.loadStart, c.activateStart),
      firstDiagnosticsBeforeActivate: c.firstDiagnostics === undefined || c.activateStart === undefined ? null : c.firstDiagnostics < c.activateStart,
      // activation including module load: the bundle read + compiled + evaluated, then activate()
      bundleLoadMs: c.loadMs === undefined ? null : +c.loadMs.toFixed(1),
      activateMs: ms(c.activateStart, c.activateEnd),
      activationIncludingLoadMs: ms(c.loadStart ?? c.activateStart, c.activateEnd),
      // the bundle's start before activate() (the open documents analysed and published; with none open, parser,
      // grammar and every rule warmed up on a small file): how long it took, and how much of VS Code's wait before
      // activate() was left after it (negative: activate() came first)
      prewarmMs: ms(c.prewarmStart, c.prewarmEnd),
      prewarmEndToActivateMs: ms(c.prewarmEnd, c.activateStart),
      prewarmNote: c.prewarmNote ?? null,
      // ours, from activate() (negative when the bundle's start published them first): parser runtime, grammar, first analysis
      activatedToFirstDiagnosticsMs: ms(c.activateEnd, tDiag),
      parserRuntimeMs: ms(c.parserStart, c.parserReady),
      grammarMs: ms(c.parserReady, c.grammarReady),
      activatedToFirstAnalysisMs: ms(c.activateEnd, c.firstAnalysisStart),
      firstAnalysisRequestedToDoneMs: ms(c.firstAnalysisStart, c.firstAnalysisEnd),
      // published by the extension → seen by the suite through onDidChangeDiagnostics (VS Code's event delivery)
      firstDiagnosticsPublishedMs: ms(c.activateEnd, c.firstDiagnostics),
      publishedToSeenMs: ms(c.firstDiagnostics, tDiag),
      firstAnalysisEngineMs: c.firstAnalysisEngineMs === undefined ? null : +c.firstAnalysisEngineMs.toFixed(1),
      firstAnalysisParseMs: c.firstAnalysisParseMs === undefined ? null : +c.firstAnalysisParseMs.toFixed(1),
      firstAnalysisLines: c.firstAnalysisLines ?? null,
      indexStartAfterActivationMs: ms(c.activateEnd, c.indexStart),
      extensionHostUptimeAtOpenMs: +tOpen.toFixed(0),
      loadAverage: +os.loadavg()[0].toFixed(1),
    };
    await api.indexReady();
    await api.whenIdle();
    metrics.activationMs = api.activationMs;
    metrics.moduleLoadMs = api.moduleLoadMs;
    metrics.activationMarks = api.activationMarks;
    metrics.vscodeVersion = vscode.version;
    // the CLI below runs from this test bundle (its own copy of the core): give it the same wasm bytes
    const dist = path.join(ext!.extensionPath, 'dist');
    await initParser({ runtime: fs.readFileSync(path.join(dist, RUNTIME_WASM)), grammar: l => fs.readFileSync(path.join(dist, GRAMMAR_FILES[l])) });
  });

  suiteTeardown(() => {
    const out = path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'out', 'vscode-metrics.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), ...metrics }, null, 2));
    console.log(`METRICS ${JSON.stringify(metrics)}`);
  });

  test('diagnostics appear with exact ranges, a stable source, the rule code and a knowledge-base link', async () => {
    const uri = file('src/client.ts');
    const diags = await waitFor('client.ts diagnostics', () => { const d = ours(uri); return d.length === 2 && d; });
    diags.sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepStrictEqual(diags.map(rangeOf), [[3, 20, 3, 67], [8, 20, 8, 93]]);
    for (const d of diags) {
      assert.strictEqual(codeOf(d), 'missing-timeout');
      assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(d.message, /^`fetch` has no timeout/);
      const target = (d.code as { target: vscode.Uri }).target;
      assert.strictEqual(target.scheme, 'command');
      assert.strictEqual(target.path, 'incidentLens.openEntry');
      assert.deepStrictEqual(JSON.parse(decodeURIComponent(target.query)), ['missing-timeout']);
    }
    // axios.get on line 17 is voided by `axios.defaults.timeout` in src/defaults.ts (background index)
    assert.ok(api.projectFacts().includes('defaults-timeout:axios'));
    assert.strictEqual(api.analysis(uri)?.parseKind !== undefined, true);
  });

  test('cold start: the first diagnostics (published from the bundle\'s load when it starts before activate()) are the settled ones, from one collection', async () => {
    const uri = file('src/client.ts');
    await api.whenIdle();
    const settled = ours(uri).map(snapshot).sort();
    assert.strictEqual(settled.length, 2);
    assert.deepStrictEqual(firstSeen, settled);
    // when the bundle's start analysed the document, activate() took its controller (collection, results) over:
    // the diagnostics are not published twice
    if (/^analysed \d+ open document/.test(api.coldStart.prewarmNote ?? '')) {
      assert.ok(api.activationMarks.some(m => m.startsWith("controller (from the bundle's start)")), api.activationMarks.join(', '));
    }
    assert.strictEqual(vscode.languages.getDiagnostics(uri).filter(d => d.source === SOURCE).length, 2);
  });

  test('project facts: the file watcher keeps the background index current', async () => {
    const uri = file('src/client.ts');
    const defaults = file('src/defaults.ts');
    const original = Buffer.from(await vscode.workspace.fs.readFile(defaults)).toString('utf8');
    try {
      await vscode.workspace.fs.writeFile(defaults, Buffer.from(original.replace('axios.defaults.timeout = 3000;', '')));
      const d = await waitFor('axios finding once the defaults are gone', () => ours(uri).find(x => x.range.start.line === 16));
      assert.deepStrictEqual(rangeOf(d), [16, 41, 16, 55]);
    } finally {
      await vscode.workspace.fs.writeFile(defaults, Buffer.from(original));
    }
    await waitFor('axios finding voided again', () => ours(uri).length === 2);
  });

  test('typing a fix makes the diagnostic disappear (incremental re-parse)', async () => {
    const rel = 'src/quickfix.ts';
    const ed = await open(rel);
    const original = ed.document.getText();
    try {
      const d = await waitFor('quickfix.ts diagnostic', () => ours(ed.document.uri)[0]);
      // type `, { signal: AbortSignal.timeout(1000) }` before the closing paren, one keystroke at a time
      const insertAt = ed.document.positionAt(ed.document.offsetAt(d.range.end) - 1);
      const typed = ', { signal: AbortSignal.timeout(1000) }';
      for (let i = 0; i < typed.length; i++) {
        await ed.edit(b => b.insert(insertAt.translate(0, i), typed[i]), { undoStopBefore: false, undoStopAfter: false });
      }
      await waitFor('diagnostic gone', () => ours(ed.document.uri).length === 0 || undefined);
      await api.whenIdle();
      const a = api.analysis(ed.document.uri)!;
      assert.strictEqual(a.version, ed.document.version);
      // the last keystroke re-parsed the edited tree ('over-budget' or 'postponed' when a loaded machine ran a
      // re-parse past its time budget: then the reconcile after the pause brought the diagnostics up to date);
      // treeKind, not parseKind: the settled workspace index may re-analyse the same version on the cached tree
      assert.ok(['incremental', 'over-budget', 'postponed'].includes(a.treeKind), `${a.treeKind} (${a.parseKind})`);
      assert.strictEqual(a.findings.length, 0);
    } finally {
      await restore(rel, original);
    }
    await waitFor('diagnostic back after revert', () => ours(file(rel)).length === 1 || undefined);
  });

  test('each quick fix applies (rule fix preferred, disable line, disable file, learn incident, learn pattern)', async () => {
    const rel = 'src/quickfix.ts';
    const ed = await open(rel);
    const original = ed.document.getText();
    const diag = await waitFor('diagnostic', () => ours(ed.document.uri)[0]);
    const actions = await waitFor('quick fixes', async () => {
      const a = await codeActions(ed.document.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      return a.some(x => x.title.startsWith('Learn:')) && a;
    });
    const titles = actions.map(a => a.title);
    // plain-text titles (menus do not render markdown: no raw backticks), the file-wide fix-all last
    assert.deepStrictEqual(titles, [
      "Add 'signal: AbortSignal.timeout(5000)'",
      'Disable missing-timeout for this line',
      'Disable missing-timeout for this file',
      'Learn: AWS EBS re-mirroring storm in US-East-1',
      'Learn: Timeouts and deadline propagation',
      'Fix all safe Incident Lens problems in this file (1)',
    ]);
    assert.ok(titles.every(x => !x.includes('`')), 'no backticks');
    assert.deepStrictEqual(actions.map(a => !!a.isPreferred), [true, false, false, false, false, false]);
    for (const a of actions) assert.strictEqual(a.kind?.value, 'quickfix');

    const expected: Record<string, (t: string) => boolean> = {
      "Add 'signal: AbortSignal.timeout(5000)'": t => t.includes('fetch(`https://${host}/healthz`, { signal: AbortSignal.timeout(5000) })'),
      'Disable missing-timeout for this line': t => t.includes('  // incident-lens-disable-next-line missing-timeout\n  const res = await fetch('),
      'Disable missing-timeout for this file': t => t.startsWith('/* incident-lens-disable missing-timeout */\nexport async function ping'),
    };
    for (const [title, check] of Object.entries(expected)) {
      const fresh = await waitFor(`actions for ${title}`, async () => {
        const d = ours(ed.document.uri)[0];
        return d && (await codeActions(ed.document.uri, d.range, vscode.CodeActionKind.QuickFix.value)).find(a => a.title === title);
      });
      assert.ok(await vscode.workspace.applyEdit(fresh.edit!), `applied ${title}`);
      assert.ok(check(ed.document.getText()), `${title} produced:\n${ed.document.getText()}`);
      await waitFor(`diagnostic gone after ${title}`, () => ours(ed.document.uri).length === 0 || undefined);
      await restore(rel, original);
      await waitFor('diagnostic back', () => ours(ed.document.uri).length === 1 || undefined);
    }
    for (const [title, id] of [['Learn: AWS EBS re-mirroring storm in US-East-1', 'aws-ebs-2011'], ['Learn: Timeouts and deadline propagation', 'timeouts-and-deadlines']]) {
      const a = actions.find(x => x.title === title)!;
      await vscode.commands.executeCommand(a.command!.command, ...(a.command!.arguments ?? []));
      assert.strictEqual(api.panel()?.id, id);
    }
  });

  test('fix-all on save applies the safe fixes (editor.codeActionsOnSave: source.fixAll.incidentLens)', async () => {
    const rel = 'src/fixall.ts';
    const ed = await open(rel);
    const original = ed.document.getText();
    await waitFor('two diagnostics', () => ours(ed.document.uri).length === 2 || undefined);
    const source = await codeActions(ed.document.uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll.incidentLens');
    assert.deepStrictEqual(source.map(a => a.kind?.value), ['source.fixAll.incidentLens']);
    const cfg = vscode.workspace.getConfiguration('editor', ed.document);
    await cfg.update('codeActionsOnSave', { 'source.fixAll.incidentLens': 'explicit' }, vscode.ConfigurationTarget.Workspace);
    try {
      await ed.edit(b => b.insert(new vscode.Position(ed.document.lineCount - 1, 0), '\n'));
      await vscode.commands.executeCommand('workbench.action.files.save');
      await waitFor('fixed on save', () => !ed.document.isDirty && ed.document.getText().includes('return fetch(u, { signal: AbortSignal.timeout(5000) });') || undefined);
      assert.ok(ed.document.getText().includes(`return fetch(u, { method: 'POST', signal: AbortSignal.timeout(5000) });`), ed.document.getText());
      await waitFor('no diagnostics after fix-all', () => ours(ed.document.uri).length === 0 || undefined);
    } finally {
      await cfg.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace);
      await restore(rel, original);
    }
  });

  test('hover leads with the incident (date, impact), then the pattern and entry links, without repeating the message or rule id', async () => {
    const ed = await open('src/client.ts');
    const d = await waitFor('diagnostic', () => ours(ed.document.uri)[0]);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', ed.document.uri, d.range.start.translate(0, 3));
    const text = hovers.flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : c.value))).join('\n');
    // ours leads with the incident; the message and the rule code are VS Code's diagnostic hover's, never repeated
    assert.match(text, /^\$\(flame\) \*\*Resembles \[AWS EBS re-mirroring storm in US-East-1\]\(command:incidentLens\.openEntry\?/);
    assert.match(text, /2011-04-21, Amazon Web Services/);
    assert.match(text, /Pattern: \[Timeouts and deadline propagation\]/);
    const visible = text.replace(/\]\([^)]*\)/g, ']');
    assert.doesNotMatch(visible, /has no timeout/);
    assert.doesNotMatch(visible, /missing-timeout/);
  });

  test('search command: QuickPick results as you type, choosing opens the sanitised webview', async () => {
    const picked = vscode.commands.executeCommand<string | undefined>('incidentLens.searchKnowledgeBase', 'timeout');
    const items = await waitFor('quick pick items', () => { const i = api.quickPickItems(); return i && i.length > 0 && i; });
    assert.ok(items.some(l => /Timeouts and deadline propagation/.test(l)), items.join('\n'));
    assert.ok(items.every(l => /^\$\((flame|lightbulb|law)\) /.test(l)), 'icons by kind');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const id = await picked;
    assert.ok(id, 'an entry was chosen');
    const panel = await waitFor('webview', () => api.panel()?.id === id && api.panel());
    assert.match(panel.html, /Content-Security-Policy" content="default-src 'none'; .*script-src 'nonce-[A-Za-z0-9]{32}'/);
    assert.match(panel.html, /class="kb-entry"/);
    assert.doesNotMatch(panel.html, /<script(?! nonce=)/);
  });

  test('"Open Incident…" from a diagnostic link opens the entry', async () => {
    const d = await waitFor('diagnostic', () => ours(file('src/client.ts'))[0]);
    const target = (d.code as { target: vscode.Uri }).target;
    await vscode.commands.executeCommand(target.path, ...JSON.parse(decodeURIComponent(target.query)));
    assert.strictEqual(api.panel()?.id, 'missing-timeout');
    assert.ok(await vscode.commands.executeCommand('incidentLens.openIncident', 'aws-ebs-2011'));
    assert.strictEqual(api.panel()?.id, 'aws-ebs-2011');
  });

  test('workspace scan fills the Problems panel (excludes and .gitignore respected)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // the largest fixture: a generated 3,000-line service file
    const lines: string[] = ['import axios from "axios";'];
    for (let i = 0; lines.length < 3000; i++) lines.push(`export async function call${i}(u: string) {`, `  const r = await fetch(u + "/${i}");`, '  return r.status;', '}', '');
    await vscode.workspace.fs.writeFile(file('src/large.ts'), Buffer.from(lines.join('\n')));
    const before = process.memoryUsage();
    const s = await vscode.commands.executeCommand<{ files: number; findings: number; cancelled: boolean; ms: number }>('incidentLens.scanWorkspace');
    const after = process.memoryUsage();
    metrics.scan = { ...s, heapUsedMB: +(after.heapUsed / 2 ** 20).toFixed(1), rssMB: +(after.rss / 2 ** 20).toFixed(1), externalMB: +(after.external / 2 ** 20).toFixed(1), rssBeforeMB: +(before.rss / 2 ** 20).toFixed(1) };
    assert.strictEqual(s.cancelled, false);
    const all = vscode.languages.getDiagnostics().filter(([, ds]) => ds.some(d => d.source === SOURCE));
    const rels = all.map(([u]) => vscode.workspace.asRelativePath(u)).sort();
    assert.deepStrictEqual(rels, ['src/client.ts', 'src/fixall.ts', 'src/large.ts', 'src/quickfix.ts']);
    assert.ok(!rels.some(r => r.includes('generated-out')), '.gitignore respected');
    const count = all.reduce((n, [, ds]) => n + ds.filter(d => d.source === SOURCE).length, 0);
    assert.strictEqual(count, s.findings);
    assert.strictEqual(ours(file('src/large.ts')).length, 600);
  });

  test('CLI/extension parity on the fixtures (same findings, ranges, severities, messages)', async () => {
    let out = '';
    const code = await cli(['check', '--format', 'json', '.'], { stdout: s => { out += s; }, stderr: () => undefined, cwd: root().fsPath, isTTY: false });
    assert.ok(code === 0 || code === 1, `cli exit ${code}`);
    const fromCli = (JSON.parse(out) as { file: string; line: number; column: number; endLine: number; endColumn: number; ruleId: string; severity: string; message: string }[])
      .map(f => `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId} ${f.severity} ${f.message}`).sort();
    const sev = ['error', 'warning', 'info', 'info'];
    const fromExt = vscode.languages.getDiagnostics().flatMap(([u, ds]) => ds.filter(d => d.source === SOURCE)
      .map(d => `${vscode.workspace.asRelativePath(u)}:${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${codeOf(d)} ${sev[d.severity]} ${d.message}`)).sort();
    assert.ok(fromCli.length >= 600);
    assert.deepStrictEqual(fromExt, fromCli);
    await vscode.workspace.fs.delete(file('src/large.ts'));
    metrics.parityFindings = fromCli.length;
  });
});
