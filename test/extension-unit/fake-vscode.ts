/**
 * A small stand-in for the `vscode` module, enough to load src/extension/extension.ts in plain Node and drive its
 * start before activate() (see prewarm), activate() and deactivation: documents, settings, diagnostic collections,
 * and a record of every registration the extension makes with the editor (listeners, commands, providers,
 * collections, channels, status items, watchers), so a test can check that deactivation disposes all of them.
 * Members the extension reaches that are not modelled here throw, naming the member.
 */
import * as path from 'node:path';
import Module from 'node:module';

export interface Registration { what: string; disposed: boolean }

export class FakeUri {
  constructor(readonly scheme: string, readonly fsPath: string, readonly path: string, readonly query = '') {}
  static file(p: string): FakeUri { return new FakeUri('file', p, p); }
  static joinPath(u: FakeUri, ...parts: string[]): FakeUri { return FakeUri.file(path.join(u.fsPath, ...parts)); }
  static parse(s: string): FakeUri {
    const colon = s.indexOf(':');
    const rest = s.slice(colon + 1);
    const q = rest.indexOf('?');
    return new FakeUri(s.slice(0, colon), '', q < 0 ? rest : rest.slice(0, q), q < 0 ? '' : rest.slice(q + 1));
  }
  toString(): string { return this.scheme === 'file' ? `file://${this.path}` : `${this.scheme}:${this.path}${this.query ? `?${this.query}` : ''}`; }
}

export interface FakeDocument {
  uri: FakeUri; fileName: string; languageId: string; version: number; isClosed: boolean; isDirty: boolean; lineCount: number;
  getText(): string;
}

export function fakeDocument(file: string, text: string, languageId = 'typescript', version = 1): FakeDocument {
  return {
    uri: FakeUri.file(file), fileName: file, languageId, version, isClosed: false, isDirty: false, lineCount: text.split('\n').length,
    getText: () => text,
  };
}

export interface PublishedDiagnostic { range: number[]; message: string; severity: number; code: unknown; source?: string }

export class FakeVscode {
  /** Everything the extension registered with the editor, in order. */
  readonly registrations: Registration[] = [];
  /** Every `DiagnosticCollection.set` with diagnostics, in order: [collection name, uri, diagnostics]. */
  readonly published: [string, string, PublishedDiagnostic[]][] = [];
  readonly collections: { name: string; entries: Map<string, PublishedDiagnostic[]> }[] = [];
  /** What the extension logged and the warnings it showed (for assertion messages). */
  readonly logs: string[] = [];
  settings: Record<string, unknown> = {};
  documents: FakeDocument[] = [];
  visible: FakeDocument[] = [];
  workspaceFolder: string;
  private readonly emitters = new Map<string, { listeners: Set<(e: unknown) => void> }>();

  constructor(workspaceFolder: string) { this.workspaceFolder = workspaceFolder; }

  /** Fires a workspace/window event the extension may listen to (onDidOpenTextDocument, …). */
  fire(event: string, e: unknown): void { for (const l of [...(this.emitters.get(event)?.listeners ?? [])]) l(e); }
  listenerCount(event: string): number { return this.emitters.get(event)?.listeners.size ?? 0; }
  undisposed(): string[] { return this.registrations.filter(r => !r.disposed).map(r => r.what); }

  private register(what: string, extra: object = {}): { dispose(): void } {
    const rec: Registration = { what, disposed: false };
    this.registrations.push(rec);
    return { ...extra, dispose() { rec.disposed = true; } };
  }

  private event(name: string) {
    let em = this.emitters.get(name);
    if (!em) this.emitters.set(name, em = { listeners: new Set() });
    const listeners = em.listeners;
    return (listener: (e: unknown) => void) => {
      listeners.add(listener);
      const reg = this.register(`listener ${name}`);
      return { dispose: () => { listeners.delete(listener); reg.dispose(); } };
    };
  }

  /** The module object `require('vscode')` returns. */
  api(): unknown {
    const self = this;
    class Range {
      constructor(readonly startLine: number, readonly startChar: number, readonly endLine: number, readonly endChar: number) {}
      get start() { return { line: this.startLine, character: this.startChar }; }
      get end() { return { line: this.endLine, character: this.endChar }; }
    }
    class Diagnostic {
      source?: string; code?: unknown; relatedInformation?: unknown[];
      constructor(readonly range: Range, readonly message: string, readonly severity: number) {}
    }
    class Kind {
      constructor(readonly value: string) {}
      append(part: string) { return new Kind(`${this.value}.${part}`); }
      contains(other: Kind) { return other.value === this.value || other.value.startsWith(`${this.value}.`); }
    }
    class EventEmitter {
      private readonly ls = new Set<(e: unknown) => void>();
      event = (l: (e: unknown) => void) => { this.ls.add(l); return { dispose: () => this.ls.delete(l) }; };
      fire(e: unknown) { for (const l of [...this.ls]) l(e); }
      dispose() { this.ls.clear(); }
    }
    const api = {
      version: 'fake',
      Uri: FakeUri, Range, Diagnostic, EventEmitter,
      Location: class { constructor(readonly uri: FakeUri, readonly range: Range) {} },
      DiagnosticRelatedInformation: class { constructor(readonly location: unknown, readonly message: string) {} },
      DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
      LanguageStatusSeverity: { Information: 0, Warning: 1, Error: 2 },
      CodeActionKind: { QuickFix: new Kind('quickfix'), SourceFixAll: new Kind('source.fixAll') },
      ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
      l10n: { t: (m: string, ...a: unknown[]) => m.replace(/\{(\d+)\}/g, (_, i) => String(a[+i])) },
      env: { language: 'en' },
      window: {
        get visibleTextEditors() { return self.visible.map(document => ({ document })); },
        get activeTextEditor() { return self.visible[0] && { document: self.visible[0] }; },
        onDidChangeActiveTextEditor: this.event('onDidChangeActiveTextEditor'),
        createOutputChannel: (name: string) => this.register(`output channel ${name}`, {
          info: (m: string) => this.logs.push(`info ${m}`), warn: (m: string) => this.logs.push(`warn ${m}`), error: (m: string) => this.logs.push(`error ${m}`),
          trace() {}, debug() {}, show() {}, append() {}, appendLine() {},
        }),
        showWarningMessage: (m: string) => { this.logs.push(`warning shown: ${m}`); return Promise.resolve(undefined); },
        showInformationMessage: () => Promise.resolve(undefined),
        registerTreeDataProvider: (id: string) => this.register(`tree ${id}`),
      },
      workspace: {
        getConfiguration: (section: string) => ({ get: <T>(k: string, d: T): T => (self.settings[`${section}.${k}`] as T) ?? d }),
        get textDocuments() { return self.documents.filter(d => !d.isClosed); },
        get workspaceFolders() { return [{ uri: FakeUri.file(self.workspaceFolder), name: 'ws', index: 0 }]; },
        getWorkspaceFolder: (u: FakeUri) => (u.fsPath.startsWith(self.workspaceFolder + path.sep) ? { uri: FakeUri.file(self.workspaceFolder), name: 'ws', index: 0 } : undefined),
        asRelativePath: (u: FakeUri | string) => path.relative(self.workspaceFolder, typeof u === 'string' ? u : u.fsPath),
        onDidOpenTextDocument: this.event('onDidOpenTextDocument'),
        onDidChangeTextDocument: this.event('onDidChangeTextDocument'),
        onDidSaveTextDocument: this.event('onDidSaveTextDocument'),
        onDidCloseTextDocument: this.event('onDidCloseTextDocument'),
        onDidChangeConfiguration: this.event('onDidChangeConfiguration'),
        createFileSystemWatcher: (glob: string) => this.register(`watcher ${glob}`, {
          onDidCreate: this.event(`watcher ${glob} create`), onDidChange: this.event(`watcher ${glob} change`), onDidDelete: this.event(`watcher ${glob} delete`),
        }),
        fs: { readFile: () => Promise.reject(new Error('fake vscode: workspace.fs.readFile is not modelled')) },
      },
      languages: {
        createDiagnosticCollection: (name: string) => {
          const entries = new Map<string, PublishedDiagnostic[]>();
          self.collections.push({ name, entries });
          const reg = this.register(`diagnostic collection ${name}`);
          const plain = (d: Diagnostic): PublishedDiagnostic => ({
            range: [d.range.startLine, d.range.startChar, d.range.endLine, d.range.endChar], message: d.message, severity: d.severity,
            code: (d.code as { value?: unknown })?.value ?? d.code, source: d.source,
          });
          return {
            name,
            set(uri: FakeUri, diags: Diagnostic[]) {
              const list = diags.map(plain);
              entries.set(uri.toString(), list);
              if (list.length) self.published.push([name, uri.toString(), list]);
            },
            delete(uri: FakeUri) { entries.delete(uri.toString()); },
            clear() { entries.clear(); },
            get(uri: FakeUri) { return entries.get(uri.toString()); },
            dispose() { entries.clear(); reg.dispose(); },
          };
        },
        createLanguageStatusItem: (id: string) => this.register(`language status ${id}`, { name: '', text: '', detail: '', severity: 0, command: undefined }),
        registerCodeActionsProvider: () => this.register('code actions provider'),
        registerHoverProvider: () => this.register('hover provider'),
      },
      commands: {
        registerCommand: (id: string) => this.register(`command ${id}`),
        executeCommand: () => Promise.resolve(undefined),
      },
    };
    const strict = (obj: object, where: string): unknown => new Proxy(obj, {
      get(target, prop, receiver) {
        if (typeof prop === 'symbol' || prop in target || prop === 'then' || prop === '__esModule' || prop === 'default') return Reflect.get(target, prop, receiver);
        throw new Error(`fake vscode: ${where}${String(prop)} is not modelled`);
      },
    });
    return strict({ ...api, window: strict(api.window, 'window.'), workspace: strict(api.workspace, 'workspace.'), languages: strict(api.languages, 'languages.') }, '');
  }
}

/** Makes `require('vscode')` return `fake`'s module until the returned function is called. */
export function installFakeVscode(fake: FakeVscode): () => void {
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = mod._load;
  const api = fake.api();
  mod._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? api : original.call(this, request, ...rest);
  };
  return () => { mod._load = original; };
}
