// Shared by the suite's files: the extension's id, waits that tolerate a loaded machine, diagnostics helpers.
import * as vscode from 'vscode';
import type { IncidentLensApi } from '../../../src/extension/extension';

export const SOURCE = 'incident-lens';
export const EXT_ID = 'incident-lens.incident-lens';
export const root = () => vscode.workspace.workspaceFolders![0].uri;
export const file = (rel: string) => vscode.Uri.joinPath(root(), rel);

/** The activated extension's API (the first suite activates it). */
export function api(): IncidentLensApi {
  const ext = vscode.extensions.getExtension<IncidentLensApi>(EXT_ID);
  if (!ext?.isActive) throw new Error('the extension is not active');
  return ext.exports;
}

/**
 * Polls until `fn` gives a truthy value. Generous by default: the machines running this are shared by many
 * processes, and a wait that is too short fails a correct extension; a real failure still fails, only later.
 */
export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 60000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

// VS Code cancels an in-flight code-action request whenever the set of providers changes (the built-in
// TypeScript extension registering while it activates): retry on 'Canceled'.
export async function retryCanceled<T>(fn: () => Thenable<T>, attempts = 40): Promise<T> {
  for (let i = 1; ; i++) {
    try { return await fn(); } catch (e) {
      if (i >= attempts || !/Canceled/.test(String((e as Error)?.message ?? e))) throw e;
      await new Promise(r => setTimeout(r, 500));
    }
  }
}

export const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter(d => d.source === SOURCE);
export const rangeOf = (d: vscode.Diagnostic) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character];
export const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);
/** Every file's diagnostics of ours, as [workspace-relative path, diagnostics]. */
export const allOurs = () => vscode.languages.getDiagnostics()
  .map(([u, ds]) => [vscode.workspace.asRelativePath(u), ds.filter(d => d.source === SOURCE)] as const).filter(([, ds]) => ds.length);

export async function open(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(file(rel));
  return vscode.window.showTextDocument(doc);
}

/** Restores a fixture file's disk content and discards the editor's unsaved changes. */
export async function restore(rel: string, text: string): Promise<void> {
  const ed = vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === file(rel).toString());
  if (ed) {
    await vscode.window.showTextDocument(ed.document);
    await ed.edit(b => b.replace(new vscode.Range(0, 0, ed.document.lineCount, 0), text));
    await ed.document.save();
  } else {
    await vscode.workspace.fs.writeFile(file(rel), Buffer.from(text));
  }
}

export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  return retryCanceled(() => vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind));
}
