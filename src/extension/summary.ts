/** The "Incident Lens" summary view: findings by rule and by incident (explorer side bar). */
import * as vscode from 'vscode';
import * as path from 'path';
import type { Finding } from '../core/types';
import type { KbEntry } from '../kb/types';

const t = vscode.l10n.t;

export interface FileFindings { uri: vscode.Uri; findings: Finding[] }

type Node =
  | { kind: 'group'; by: 'rule' | 'incident'; label: string; count: number }
  | { kind: 'key'; by: 'rule' | 'incident'; id: string; count: number }
  | { kind: 'finding'; uri: vscode.Uri; finding: Finding };

export class SummaryProvider implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly data: () => FileFindings[], private readonly entry: (id: string) => KbEntry | undefined) {}

  refresh(): void { this.emitter.fire(undefined); }

  /** The whole tree as shown, depth first (tests). */
  rows(): { depth: number; label: string; description?: string }[] {
    const out: { depth: number; label: string; description?: string }[] = [];
    const walk = (node: Node | undefined, depth: number) => {
      for (const child of this.getChildren(node)) {
        const item = this.getTreeItem(child);
        const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
        out.push({ depth, label, description: typeof item.description === 'string' ? item.description : undefined });
        walk(child, depth + 1);
      }
    };
    walk(undefined, 0);
    return out;
  }

  private grouped(by: 'rule' | 'incident'): Map<string, { uri: vscode.Uri; finding: Finding }[]> {
    const m = new Map<string, { uri: vscode.Uri; finding: Finding }[]>();
    for (const { uri, findings } of this.data()) {
      for (const f of findings) {
        const keys = by === 'rule' ? [f.ruleId] : f.incidents.length ? f.incidents.slice(0, 1) : ['(none)'];
        for (const k of keys) { const l = m.get(k); if (l) l.push({ uri, finding: f }); else m.set(k, [{ uri, finding: f }]); }
      }
    }
    return m;
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const total = this.data().reduce((n, f) => n + f.findings.length, 0);
      if (!total) return [];
      return [
        { kind: 'group', by: 'rule', label: t('By rule'), count: total },
        { kind: 'group', by: 'incident', label: t('By incident'), count: total },
      ];
    }
    if (node.kind === 'group') {
      return [...this.grouped(node.by)].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
        .map(([id, list]) => ({ kind: 'key', by: node.by, id, count: list.length }));
    }
    if (node.kind === 'key') {
      return (this.grouped(node.by).get(node.id) ?? [])
        .sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath) || a.finding.start - b.finding.start)
        .map(x => ({ kind: 'finding', uri: x.uri, finding: x.finding }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.description = String(node.count);
      item.iconPath = new vscode.ThemeIcon(node.by === 'rule' ? 'law' : 'flame');
      return item;
    }
    if (node.kind === 'key') {
      const e = this.entry(node.id);
      const item = new vscode.TreeItem(node.by === 'incident' && e ? e.title : node.id, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = node.by === 'incident' && e?.date ? `${e.date} · ${node.count}` : String(node.count);
      item.tooltip = e?.summary;
      item.iconPath = new vscode.ThemeIcon(node.by === 'rule' ? 'symbol-ruler' : 'flame');
      item.contextValue = 'incidentLens.key';
      if (e) item.command = { command: 'incidentLens.openEntry', title: t('Open'), arguments: [node.id] };
      return item;
    }
    // rows are told apart by where they are (a rule's findings often share one message); the message is the
    // description and, in full, the tooltip
    const f = node.finding;
    const item = new vscode.TreeItem(`${path.basename(node.uri.fsPath)}:${f.startPos.line + 1}`, vscode.TreeItemCollapsibleState.None);
    item.description = f.message.length > 90 ? f.message.slice(0, 89) + '…' : f.message;
    item.tooltip = `${vscode.workspace.asRelativePath(node.uri)}:${f.startPos.line + 1}:${f.startPos.column + 1}\n${f.message}`;
    item.iconPath = new vscode.ThemeIcon(f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info');
    item.command = {
      command: 'vscode.open', title: t('Open'),
      arguments: [node.uri, { selection: new vscode.Range(f.startPos.line, f.startPos.column, f.endPos.line, f.endPos.column) }],
    };
    return item;
  }
}
