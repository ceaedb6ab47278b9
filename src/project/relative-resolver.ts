/** Interim resolver (relative specifiers only) until src/project/resolve.ts lands. */
import * as fs from 'fs';
import * as path from 'path';
import type { Resolver } from './index';

const EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export class RelativeResolver implements Resolver {
  resolve(fromFile: string, spec: string): string | undefined {
    if (!spec.startsWith('.')) return undefined;
    const base = path.resolve(path.dirname(fromFile), spec);
    const stem = base.replace(/\.(m|c)?jsx?$/, '');
    for (const c of [base, ...EXTS.map(e => stem + e), ...EXTS.map(e => path.join(base, 'index' + e))]) {
      try { if (fs.statSync(c).isFile()) return c; } catch { /* next */ }
    }
    return undefined;
  }
}
