/** Plain-text extraction and tokenisation shared by index build and search (positions must agree). */
import { Lexer, type Token } from 'marked';

const lexed: { md: string; tokens: Token[] }[] = [];

/**
 * marked's block tokens of `md`, shared by the passes over one entry (code-block check, text extraction, terminal
 * rendering): lexing is the costly part of loading a large postmortem. The last few bodies are kept; the tokens
 * must not be modified.
 */
export function lexMarkdown(md: string): Token[] {
  const hit = lexed.find(x => x.md === md);
  if (hit) return hit.tokens;
  const tokens = new Lexer().lex(md);
  lexed.unshift({ md, tokens });
  if (lexed.length > 4) lexed.pop();
  return tokens;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => ENTITIES[e] ?? _);
}

/**
 * Markdown → readable plain text: headings, paragraphs, list items and table cells each on their own
 * line, link text without URLs; code blocks are left out (see extractText).
 * Deterministic: the same input always gives the same output (lunr positions index into it).
 */
export function markdownToPlainText(md: string): string {
  return extractText(md).prose;
}

/**
 * Splits markdown into prose (headings, paragraphs, lists, tables; link text without URLs) and code
 * (fenced and indented blocks), each as plain text. Both are indexed; snippets come from the prose.
 */
export function extractText(md: string): { prose: string; code: string } {
  const lines: string[] = [];
  const codeLines: string[] = [];
  const inline = (tokens: Token[] | undefined, fallback: string): string => {
    if (!tokens) return decodeEntities(fallback);
    let out = '';
    for (const t of tokens) {
      switch (t.type) {
        case 'text':
        case 'escape':
          out += 'tokens' in t && Array.isArray(t.tokens) ? inline(t.tokens as Token[], (t as { text: string }).text) : decodeEntities((t as { text: string }).text);
          break;
        case 'codespan':
          out += decodeEntities((t as { text: string }).text);
          break;
        case 'br':
          out += ' ';
          break;
        case 'html':
          out += (t as { text: string }).text.replace(/<[^>]*>/g, '');
          break;
        case 'image':
          out += (t as { text: string }).text;
          break;
        default: {
          const tt = t as { tokens?: Token[]; text?: string };
          out += tt.tokens ? inline(tt.tokens, tt.text ?? '') : decodeEntities(tt.text ?? '');
        }
      }
    }
    return out;
  };
  const block = (tokens: Token[]) => {
    for (const t of tokens) {
      switch (t.type) {
        case 'space':
        case 'hr':
          break;
        case 'heading':
        case 'paragraph':
          lines.push(inline((t as { tokens?: Token[] }).tokens, (t as { text: string }).text));
          break;
        case 'code':
          codeLines.push((t as { text: string }).text);
          break;
        case 'list':
          for (const item of (t as unknown as { items: { tokens: Token[] }[] }).items) block(item.tokens);
          break;
        case 'blockquote':
          block((t as unknown as { tokens: Token[] }).tokens);
          break;
        case 'table': {
          const tb = t as unknown as { header: { tokens: Token[]; text: string }[]; rows: { tokens: Token[]; text: string }[][] };
          lines.push(tb.header.map(c => inline(c.tokens, c.text)).join(' | '));
          for (const row of tb.rows) lines.push(row.map(c => inline(c.tokens, c.text)).join(' | '));
          break;
        }
        case 'html':
          lines.push((t as { text: string }).text.replace(/<[^>]*>/g, '').trim());
          break;
        case 'text': {
          const tt = t as { tokens?: Token[]; text: string };
          lines.push(inline(tt.tokens, tt.text));
          break;
        }
        default: {
          const tt = t as { tokens?: Token[]; text?: string };
          if (tt.tokens) block(tt.tokens);
          else if (tt.text) lines.push(tt.text);
        }
      }
    }
  };
  block(lexMarkdown(md));
  return {
    prose: lines.map(l => l.replace(/[ \t]+/g, ' ').trim()).filter(Boolean).join('\n'),
    code: codeLines.join('\n\n'),
  };
}

/** Runs of letters and digits (Unicode aware). Index and query use the same definition. */
const WORD_RE = /[\p{L}\p{N}]+/gu;

export interface RawToken {
  text: string;
  start: number;
  length: number;
}

export function wordTokens(s: string): RawToken[] {
  const out: RawToken[] = [];
  for (const m of s.matchAll(WORD_RE)) out.push({ text: m[0].toLowerCase(), start: m.index ?? 0, length: m[0].length });
  return out;
}

/**
 * Terminal escape sequences (CSI, OSC such as window titles, OSC 52 clipboard writes and OSC 8 links, DCS/SOS/PM/APC
 * strings, 8-bit CSI/OSC) and the other C0/C1 control characters but tab and newline (and carriage return unless
 * `keepCr`), so text from a team postmortem cannot drive the terminal it is printed to. Bidirectional overrides
 * (U+202A-U+202E, U+2066-U+2069), which reorder how a line reads, go too.
 */
export function stripControls(s: string, keepCr = false): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s)) return s;
  const out = s
    // eslint-disable-next-line no-control-regex
    .replace(/(?:\u001b\]|\u009d|\u001b[PX^_]|[\u0090\u0098\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b[ -/]*[0-~]?/g, '')
    .replace(/\r\n/g, keepCr ? '\r\n' : '\n');
  // eslint-disable-next-line no-control-regex
  return out.replace(keepCr ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g : /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** A copy of a JSON-like value with `stripControls` applied to every string in it. */
export function stripControlsDeep<T>(v: T, keepCr = false): T {
  if (typeof v === 'string') return stripControls(v, keepCr) as T;
  if (Array.isArray(v)) return v.map(x => stripControlsDeep(x, keepCr)) as T;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = stripControlsDeep(x, keepCr);
    return out as T;
  }
  return v;
}
