/** Plain-text extraction and tokenisation shared by index build and search (positions must agree). */
import { Lexer, type Token } from 'marked';

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
  block(new Lexer().lex(md));
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
