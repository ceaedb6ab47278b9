/**
 * The knowledge-base entry webview: sanitised HTML from the core renderer (marked + sanitize-html), a nonce CSP,
 * VS Code theme colours, working links between entries, and a button that finds the entry's rules in the workspace.
 */
import * as vscode from 'vscode';
import type { KnowledgeBase } from '../kb/load';
import { HIGHLIGHT_CSS, highlightCodeBlocks } from './highlight';

const t = vscode.l10n.t;
// local copy: importing it from kb/render would load marked + sanitize-html at activation
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export interface PanelState { id: string; title: string; html: string }

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}

const CSS = `
body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);color:var(--vscode-foreground);background:var(--vscode-editor-background);max-width:52rem;padding:0 1.2rem 2rem;line-height:1.55}
a{color:var(--vscode-textLink-foreground)}a:hover{color:var(--vscode-textLink-activeForeground)}
h1{font-size:1.7em;margin:.3em 0 .5em}h2{border-bottom:1px solid var(--vscode-panel-border);padding-bottom:.2em;margin-top:1.6em}
code{font-family:var(--vscode-editor-font-family);background:var(--vscode-textCodeBlock-background);padding:.1em .3em;border-radius:3px}
pre{background:var(--vscode-textCodeBlock-background);padding:.7em 1em;overflow:auto;border-radius:4px}pre code{padding:0;background:none}
table{border-collapse:collapse}th,td{border:1px solid var(--vscode-panel-border);padding:.25em .6em}
blockquote{border-left:3px solid var(--vscode-textBlockQuote-border);background:var(--vscode-textBlockQuote-background);margin:0;padding:.2em 1em}
.kb-kind{text-transform:uppercase;font-size:.75em;letter-spacing:.08em;color:var(--vscode-descriptionForeground)}
.kb-summary{font-size:1.08em;color:var(--vscode-descriptionForeground)}
dl.kb-meta{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dl.kb-meta dt{font-weight:600}dl.kb-meta dd{margin:0}
a.external::after{content:" ↗";font-size:.8em}a.kb-missing{color:var(--vscode-errorForeground);text-decoration:line-through}
.toolbar{display:flex;gap:.5em;margin:1em 0;flex-wrap:wrap}
button{background:var(--vscode-button-background);color:var(--vscode-button-foreground);border:none;padding:.4em .9em;border-radius:2px;cursor:pointer;font:inherit}
button:hover{background:var(--vscode-button-hoverBackground)}button.secondary{background:var(--vscode-button-secondaryBackground);color:var(--vscode-button-secondaryForeground)}
button.link{background:none;color:var(--vscode-textLink-foreground);padding:.4em .2em}button.link:hover{background:none;color:var(--vscode-textLink-activeForeground);text-decoration:underline}
${HIGHLIGHT_CSS}`;

export class EntryPanel {
  private panel: vscode.WebviewPanel | undefined;
  private history: string[] = [];
  state: PanelState | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly kb: () => Promise<KnowledgeBase>,
    private readonly rulesOf: (id: string) => string[],
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async show(id: string, fromHistory = false): Promise<boolean> {
    const kb = await this.kb();
    const entry = kb.get(id);
    if (!entry) {
      void vscode.window.showWarningMessage(t('Incident Lens: no knowledge-base entry "{0}"', id));
      return false;
    }
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('incidentLens.entry', entry.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
        enableScripts: true, enableCommandUris: false, retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
      });
      this.panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'images', 'icon.png');
      this.panel.onDidDispose(() => { this.panel = undefined; this.state = undefined; this.history = []; });
      this.panel.webview.onDidReceiveMessage(m => this.onMessage(m));
    }
    if (!fromHistory && this.state && this.state.id !== id) this.history.push(this.state.id);
    const body = highlightCodeBlocks(kb.render(id, { linkFor: x => `#kb:${x}` }) ?? '');
    const rules = this.rulesOf(id);
    const n = nonce();
    const csp = `default-src 'none'; img-src ${this.panel.webview.cspSource} https: data:; style-src 'nonce-${n}'; script-src 'nonce-${n}';`;
    const buttons: string[] = [];
    if (this.history.length) buttons.push(`<button class="secondary" data-action="back">${escapeHtml(t('Back'))}</button>`);
    if (rules.length) {
      // a light link-style action; the rules it looks for are in its tooltip
      const label = entry.kind === 'incident' ? t('Find this mistake in the workspace') : entry.kind === 'pattern' ? t('Find where this pattern is missing') : t('Find in the workspace');
      buttons.push(`<button class="link" data-action="findRules" data-id="${escapeHtml(id)}" title="${escapeHtml(t('Shows the findings of {0} in the workspace', rules.join(', ')))}">${escapeHtml(label)}</button>`);
    }
    const html = `<!DOCTYPE html><html lang="${escapeHtml(vscode.env.language)}"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>${escapeHtml(entry.title)}</title>
<style nonce="${n}">${CSS}</style></head><body>
<div class="toolbar">${buttons.join('')}</div>
${body}
<script nonce="${n}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', ev => {
  const a = ev.target.closest('a[data-kb-id]');
  if (a) { ev.preventDefault(); vscode.postMessage({ type: 'open', id: a.getAttribute('data-kb-id') }); return; }
  const b = ev.target.closest('button[data-action]');
  if (b) vscode.postMessage({ type: b.getAttribute('data-action'), id: b.getAttribute('data-id') });
});
</script></body></html>`;
    this.panel.title = entry.title;
    this.panel.webview.html = html;
    this.panel.reveal(undefined, false);
    this.state = { id, title: entry.title, html };
    this.log.info(`opened entry ${id}`);
    return true;
  }

  private async onMessage(m: { type?: string; id?: string }): Promise<void> {
    if (m?.type === 'open' && typeof m.id === 'string') await this.show(m.id);
    else if (m?.type === 'back') { const prev = this.history.pop(); if (prev) await this.show(prev, true); }
    else if (m?.type === 'findRules' && typeof m.id === 'string') await vscode.commands.executeCommand('incidentLens.findRulesInWorkspace', m.id);
  }

  dispose(): void { this.panel?.dispose(); }
}
