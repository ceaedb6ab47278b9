/**
 * Syntax colouring for TypeScript/JavaScript code blocks in the knowledge-base webview (vscode-free; unit-tested).
 * Works on the sanitised HTML the renderer produced: a block's text is unescaped, split into tokens (from the
 * analyzer's tree-sitter grammar, no second tokenizer) and escaped
 * again inside `<span class="tok-…">`, so nothing but our own spans is added. The webview colours the classes with
 * the theme's colours. Blocks in other languages, and any block containing markup, are left as they are.
 */
import { parseSync, type Node, type Tree } from '../core/parser';

export type TokenKind = 'comment' | 'string' | 'number' | 'keyword' | 'function' | 'type' | 'plain';

// named nodes spelled like the keyword they are (`this`, `true`, ...); other keywords are anonymous leaves
const KEYWORD_NODES = new Set(['this', 'super', 'true', 'false', 'null', 'undefined']);

/** The callee name of a call or `new`: `f` in `f()`, `m` in `a.m()`, `Error` in `new Error()`. */
function isCallee(n: Node): boolean {
  const p = n.parent;
  if (!p) return false;
  const callee = (c: Node | null) => !!c && c.startIndex === n.startIndex && c.endIndex === n.endIndex;
  if (p.type === 'call_expression') return callee(p.childForFieldName('function'));
  if (p.type === 'new_expression') return callee(p.childForFieldName('constructor'));
  if (p.type === 'member_expression' && callee(p.childForFieldName('property'))) {
    const g = p.parent;
    return g?.type === 'call_expression' && g.childForFieldName('function')?.startIndex === p.startIndex && g.childForFieldName('function')?.endIndex === p.endIndex;
  }
  return false;
}

function kindOf(n: Node): TokenKind | undefined {
  switch (n.type) {
    case 'comment': return 'comment';
    case 'string': case 'template_string': case 'regex': return 'string';
    case 'number': return 'number';
    case 'type_identifier': return 'type';
    case 'identifier': case 'property_identifier':
      return isCallee(n) ? 'function' : /^[A-Z]/.test(n.text) ? 'type' : 'plain';
  }
  if (KEYWORD_NODES.has(n.type) || (!n.isNamed && n.childCount === 0 && /^[a-z]+$/.test(n.type))) return 'keyword';
  return undefined;
}

/**
 * Tokens of a TypeScript/JavaScript snippet, in order; their texts concatenate to the input. Read from the
 * project's own tree-sitter parse (strings, templates and comments whole); plain when the grammar is not loaded.
 */
export function tokenize(code: string): { text: string; kind: TokenKind }[] {
  const out: { text: string; kind: TokenKind }[] = [];
  let last = 0;
  const push = (end: number, kind: TokenKind) => {
    if (end <= last) return;
    const text = code.slice(last, end);
    last = end;
    const prev = out[out.length - 1];
    if (prev && prev.kind === kind && kind === 'plain') prev.text += text; else out.push({ text, kind });
  };
  let tree: Tree | undefined;
  try { tree = parseSync(code, 'typescript'); } catch { tree = undefined; }
  if (tree) {
    try {
      const visit = (n: Node): void => {
        const kind = kindOf(n);
        if (kind !== undefined || n.childCount === 0) {
          push(n.startIndex, 'plain');
          push(n.endIndex, kind ?? 'plain');
          return;
        }
        for (let c = n.firstChild; c; c = c.nextSibling) visit(c);
      };
      visit(tree.rootNode);
    } finally {
      tree.delete();
    }
  }
  push(code.length, 'plain');
  return out;
}

const CLASS: Record<TokenKind, string> = { comment: 'tok-c', string: 'tok-s', number: 'tok-n', keyword: 'tok-k', function: 'tok-f', type: 'tok-t', plain: '' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const unescapeHtml = (s: string) => s.replace(/&(lt|gt|amp|quot|#39|#x27|#(\d+)|#x([\da-f]+));/gi, (m, name: string, dec?: string, hex?: string) =>
  dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : ({ lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", '#x27': "'" } as Record<string, string>)[name.toLowerCase()] ?? m);

const BLOCK_RE = /(<pre><code class="language-(?:ts|tsx|typescript|js|jsx|javascript|mjs|cjs)">)([^<]*)(<\/code><\/pre>)/g;

/** Wraps the tokens of every TS/JS code block of sanitised HTML in `<span class="tok-…">`. */
export function highlightCodeBlocks(html: string): string {
  return html.replace(BLOCK_RE, (_, open: string, body: string, close: string) =>
    open + tokenize(unescapeHtml(body)).map(t => (CLASS[t.kind] ? `<span class="${CLASS[t.kind]}">${escapeHtml(t.text)}</span>` : escapeHtml(t.text))).join('') + close);
}

/** Theme colours for the token classes (VS Code exposes the theme's symbol colours to webviews as CSS variables). */
export const HIGHLIGHT_CSS = `
.tok-c{color:var(--vscode-descriptionForeground);font-style:italic}
.tok-s{color:var(--vscode-symbolIcon-stringForeground,#ce9178)}
.tok-n{color:var(--vscode-symbolIcon-numberForeground,#b5cea8)}
.tok-k{color:var(--vscode-symbolIcon-keywordForeground,#569cd6)}
.tok-f{color:var(--vscode-symbolIcon-functionForeground,#dcdcaa)}
.tok-t{color:var(--vscode-symbolIcon-classForeground,#4ec9b0)}
`;
