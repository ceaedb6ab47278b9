/// <reference types="mocha" />
// Results stay true to the settings and to open documents (issue 20: stale findings, counts that disagree, summary
// rows, fix-all in Ctrl+.). Runs after extension.test.ts (which activates the extension) in the same host.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { allOurs, api, codeActions, file, open, ours, waitFor } from './helpers';

type Scan = { files: number; findings: number; byRule: Record<string, number>; cancelled: boolean };
const scan = () => vscode.commands.executeCommand<Scan>('incidentLens.scanWorkspace');
const total = () => allOurs().reduce((n, [, ds]) => n + ds.length, 0);
const cfg = () => vscode.workspace.getConfiguration('incidentLens');
/** The quiet re-scan after a config change, the index rebuild and the re-analyses they cause are done. */
async function settled(): Promise<void> {
  await waitFor('the quiet re-scan done', () => !api().rescanPending() || undefined);
  await api().whenIdle();
}

suite('Results: one source of truth, kept current', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a settings change re-evaluates the scanned findings of closed files at once (rule off: gone; severity: applied)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const s = await scan();
    assert.ok(s.findings >= 5, JSON.stringify(s));
    const fixall = file('src/fixall.ts');
    assert.strictEqual(ours(fixall).length, 2, 'a closed file scanned');
    try {
      await cfg().update('rules', { 'missing-timeout': 'off' }, vscode.ConfigurationTarget.Workspace);
      // no rescan needed for this: the results the change turns off go (Problems and the summary view)
      await waitFor('missing-timeout findings cleared everywhere', () => total() === 0 && api().summaryCounts().findings === 0 || undefined);
      await settled();
      assert.strictEqual(total(), 0, 'still none after the re-scan');
      assert.deepStrictEqual(api().summaryRows(), []);

      await cfg().update('rules', { 'missing-timeout': 'error' }, vscode.ConfigurationTarget.Workspace);
      await waitFor('findings back as errors', () => ours(fixall).length === 2 && ours(fixall).every(d => d.severity === vscode.DiagnosticSeverity.Error) || undefined);
      await settled();
      const where = () => JSON.stringify(allOurs().map(([f, ds]) => [f, ds.map(d => `${d.range.start.line + 1}:${d.message.slice(0, 30)}`)]));
      assert.strictEqual(total(), s.findings, where());
      assert.strictEqual(api().summaryCounts().findings, s.findings, where());
    } finally {
      await cfg().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('warnings again', () => ours(fixall).length === 2 && ours(fixall).every(d => d.severity === vscode.DiagnosticSeverity.Warning) || undefined);
    await settled();
  });

  test('a .incident-lens.json change does the same (rule off in the project file, then the file restored)', async () => {
    const configFile = file('.incident-lens.json');
    const original = Buffer.from(await vscode.workspace.fs.readFile(configFile)).toString('utf8');
    const before = total();
    assert.ok(before >= 5);
    try {
      await vscode.workspace.fs.writeFile(configFile, Buffer.from(JSON.stringify({ ...JSON.parse(original), rules: { 'missing-timeout': 'off' } })));
      await waitFor('cleared by the project file', () => total() === 0 && api().summaryCounts().findings === 0 || undefined);
    } finally {
      await vscode.workspace.fs.writeFile(configFile, Buffer.from(original));
    }
    await waitFor('back after the project file is restored', () => total() === before && api().summaryCounts().findings === before || undefined);
    await settled();
  });

  test('one source of truth: with a fixed but unsaved file, the scan, "Find these rules", Problems and the summary view agree', async () => {
    const ed = await open('src/quickfix.ts');
    await waitFor('quickfix.ts diagnostic', () => ours(ed.document.uri).length === 1 || undefined);
    try {
      // fix it without saving: the document differs from the disk
      const at = ed.document.getText().indexOf('/healthz`') + '/healthz`'.length;
      await ed.edit(b => b.insert(ed.document.positionAt(at), ', { signal: AbortSignal.timeout(1000) }'));
      await waitFor('fixed in the editor', () => ours(ed.document.uri).length === 0 || undefined);
      assert.ok(ed.document.isDirty);
      const s = await scan();
      await api().whenIdle();
      const shown = total();
      assert.strictEqual(s.findings, shown, 'scan summary = Problems panel');
      assert.strictEqual(api().summaryCounts().findings, shown, 'summary view = Problems panel');
      assert.strictEqual(ours(ed.document.uri).length, 0, 'the open document wins over the disk');
      const found = await vscode.commands.executeCommand<Scan & { filesWithFindings: number }>('incidentLens.findRulesInWorkspace', 'missing-timeout');
      assert.strictEqual(found.findings, shown, '"Find these rules" = Problems panel');
      assert.strictEqual(found.filesWithFindings, allOurs().length);
      assert.ok(!api().summaryRows().some(r => r.label.startsWith('quickfix.ts:')), 'no summary row for the fixed file');
    } finally {
      await vscode.window.showTextDocument(ed.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await waitFor('back after revert', () => ours(file('src/quickfix.ts')).length === 1 || undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // closed again: the file's scanned (disk) findings, counted the same everywhere
    await waitFor('counts agree after closing', () => api().summaryCounts().findings === total() || undefined);
  });

  test('summary view rows are labelled file:line (told apart), the message is the description', async () => {
    await scan();
    const rows = api().summaryRows();
    assert.deepStrictEqual(rows.filter(r => r.depth === 0).map(r => r.label), ['By rule', 'By incident']);
    const findings = rows.filter(r => r.depth === 2);
    assert.ok(findings.length >= 10, JSON.stringify(rows));
    for (const r of findings) {
      assert.match(r.label, /^[\w.-]+\.ts:\d+$/, r.label);
      assert.match(r.description ?? '', /^`fetch` has no timeout/);
    }
    // within a group every row is a different place
    const byRule = rows.slice(rows.findIndex(r => r.label === 'By rule') + 1, rows.findIndex(r => r.label === 'By incident')).filter(r => r.depth === 2).map(r => r.label);
    assert.strictEqual(new Set(byRule).size, byRule.length, byRule.join(', '));
    assert.ok(byRule.includes('client.ts:4') && byRule.includes('client.ts:9') && byRule.includes('fixall.ts:2'), byRule.join(', '));
  });

  test('Ctrl+. offers "Fix all safe Incident Lens problems", and fix-all says how many it fixed', async () => {
    const ed = await open('src/fixall.ts');
    const original = ed.document.getText();
    const d = await waitFor('fixall.ts diagnostics', () => ours(ed.document.uri).length === 2 && ours(ed.document.uri)[0]);
    const actions = await waitFor('quick fixes', async () => {
      const a = await codeActions(ed.document.uri, d.range, vscode.CodeActionKind.QuickFix.value);
      return a.some(x => x.title.startsWith('Learn:')) && a;
    });
    const all = actions.find(a => a.title === 'Fix all safe Incident Lens problems in this file (2)');
    assert.ok(all, actions.map(a => a.title).join('\n'));
    assert.strictEqual(all!.kind?.value, 'quickfix');
    try {
      const r = await vscode.commands.executeCommand<{ fixed: number; remaining: number; applied: boolean; message: string }>(all!.command!.command, ...(all!.command!.arguments ?? []));
      assert.deepStrictEqual(r, { fixed: 2, remaining: 0, applied: true, message: 'Incident Lens: fixed 2 problems' });
      assert.ok(ed.document.getText().includes("return fetch(u, { method: 'POST', signal: AbortSignal.timeout(5000) });"), ed.document.getText());
      await waitFor('no diagnostics after fix-all', () => ours(ed.document.uri).length === 0 || undefined);
      // nothing left: said so
      const again = await vscode.commands.executeCommand<{ fixed: number; message: string }>('incidentLens.fixAll');
      assert.deepStrictEqual([again.fixed, again.message], [0, 'Incident Lens: no problems to fix in this file']);
    } finally {
      await vscode.window.showTextDocument(ed.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    assert.strictEqual(ed.document.getText(), original);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
