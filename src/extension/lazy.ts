/**
 * Modules the extension loads on first use, from their own files next to the bundle (scripts/build.mjs builds them):
 * what the first diagnostics do not need is neither read nor compiled at activation.
 *
 * - dist/kb.js: the knowledge base (marked, sanitize-html, lunr, yaml; ~0.9 MB of the 1.6 MB the extension was in one
 *   bundle), for hovers, search, the webview and the summary view's incident titles.
 */
import * as path from 'path';
import type * as KbBundle from './kb-bundle';

let kb: typeof KbBundle | undefined;

/** dist/kb.js (src/extension/kb-bundle.ts), loaded once. */
export function kbBundle(): typeof KbBundle {
  // a computed path: esbuild leaves the require alone (the file is its own bundle)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (kb ??= require(path.join(__dirname, 'kb.js')) as typeof KbBundle);
}
