/**
 * The text of web-tree-sitter's CommonJS build, evaluated by core/parser.ts once per parser runtime (a WASM trap
 * poisons a runtime for good; the next one must be a fresh copy of the library, whose module state holds the WASM
 * instance). The bundles embed the text (scripts/build.mjs replaces this module); from sources it is read from
 * node_modules.
 */
import * as fs from 'fs';
import * as path from 'path';

export function webTreeSitterSource(): { text: string; file: string } {
  const candidates: string[] = [];
  try { candidates.push(require.resolve('web-tree-sitter')); } catch { /* not installed next to this file */ }
  candidates.push(path.join(__dirname, '..', '..', 'node_modules', 'web-tree-sitter', 'web-tree-sitter.cjs'));
  for (const file of candidates) {
    if (file.endsWith('.cjs') && fs.existsSync(file)) return { text: fs.readFileSync(file, 'utf8'), file };
  }
  throw new Error(`incident-lens: cannot find web-tree-sitter's CommonJS build (looked in ${candidates.join(', ')})`);
}
