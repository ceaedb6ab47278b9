/**
 * Syntax colouring for TypeScript/JavaScript code blocks in the knowledge-base webview (vscode-free; unit-tested).
 * Works on the sanitised HTML the renderer produced: a block's text is unescaped, split into tokens and escaped
 * again inside `<span class="tok-…">`, so nothing but our own spans is added. The webview colours the classes with
 * the theme's colours. Blocks in other languages, and any block containing markup, are left as they are.
 */

const KEYWORDS = new Set(('abstract as async await break case catch class const continue debugger declare default delete do else enum export ' +
  'extends false finally for from function get if implements import in instanceof interface keyof let new null of private protected ' +
  'public readonly return satisfies set static super switch this throw true try type typeof undefined var void while yield').split(' '));

export type TokenKind = 'comment' | 'string' | 'number' | 'keyword' | 'function' | 'type' | 'plain';

const TOKEN_RE = /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|('(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?|`(?:\\[\s\S]|[^`\\])*`?)|(\b(?:0[xob][\da-f_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:e[+-]?\d+)?n?)\b)|([A-Za-z_$][\w$]*)/gi;

/** Tokens of a TypeScript/JavaScript snippet, in order; their texts concatenate to the input. */
export function tokenize(code: string): { text: string; kind: TokenKind }[] {
  const out: { text: string; kind: TokenKind }[] = [];
  let last = 0;
  const push = (text: string, kind: TokenKind) => {
    if (!text) return;
    const prev = out[out.length - 1];
    if (prev && prev.kind === kind && kind === 'plain') prev.text += text; else out.push({ text, kind });
  };
  for (const m of code.matchAll(TOKEN_RE)) {
    push(code.slice(last, m.index), 'plain');
    const [text, comment, str, num, ident] = m;
    if (comment) push(text, 'comment');
    else if (str) push(text, 'string');
    else if (num) push(text, 'number');
    else if (ident) {
      const after = code.slice(m.index! + text.length);
      push(text, KEYWORDS.has(text) ? 'keyword' : /^\s*(<[\w\s,<>[\]|.]*>)?\s*\(/.test(after) ? 'function' : /^[A-Z]/.test(text) ? 'type' : 'plain');
    }
    last = m.index! + text.length;
  }
  push(code.slice(last), 'plain');
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
