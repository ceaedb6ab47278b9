// Build: bundle the CLI (and the extension when present) with esbuild, copy the wasm runtime and grammars
// next to the bundles, and build the knowledge-base index (validated) into dist/kb.json.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const dist = path.join(root, 'dist');
fs.mkdirSync(dist, { recursive: true });
const only = process.argv.slice(2);
const want = k => !only.length || only.includes(k);

// core/parser.ts evaluates a fresh copy of web-tree-sitter per parser runtime (a WASM trap poisons one for good):
// the bundles carry the library's text instead of reading it from node_modules (see src/core/wts-source.ts)
const webTreeSitterSource = {
  name: 'web-tree-sitter-source',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]core[\\/]wts-source\.ts$/ }, () => {
      const text = fs.readFileSync(require.resolve('web-tree-sitter'), 'utf8');
      return { contents: `export function webTreeSitterSource() { return { text: ${JSON.stringify(text)}, file: 'web-tree-sitter.cjs' }; }`, loader: 'js' };
    });
  },
};
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node18', sourcemap: true, logLevel: 'warning', minifySyntax: true, plugins: [webTreeSitterSource],
  // jsonc-parser's `main` is a UMD build whose factory requires its parts dynamically (esbuild cannot see them): use its ESM build
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' } };
const t0 = Date.now();
if (want('cli')) {
  await build({ ...common, entryPoints: [path.join(root, 'src/cli/main.ts')], outfile: path.join(dist, 'cli.js') });
}
if (want('extension') && fs.existsSync(path.join(root, 'src/extension/extension.ts'))) {
  // the knowledge base (marked, sanitize-html, lunr, yaml) in its own file, loaded on first use (src/extension/lazy.ts);
  // the extension bundle gets a stand-in for yaml that loads it from there
  await build({ ...common, entryPoints: [path.join(root, 'src/extension/extension.ts')], outfile: path.join(dist, 'extension-main.js'), external: ['vscode'],
    alias: { ...common.alias, yaml: path.join(root, 'src/extension/lazy-yaml.ts') } });
  await build({ ...common, entryPoints: [path.join(root, 'src/extension/kb-bundle.ts')], outfile: path.join(dist, 'kb.js') });
  // the manifest's `main`: a few lines that time loading the bundle (read + compile + evaluate), which activation
  // reports (VS Code's own "activation" figure includes it; performance.now() inside the bundle cannot see it)
  fs.writeFileSync(path.join(dist, 'extension.js'), `"use strict";
// Incident Lens: loads the extension bundle and times the load, which activate() reports (see scripts/build.mjs).
const start = performance.now();
const main = require('./extension-main.js');
const loadMs = performance.now() - start;
// VS Code prepares the extension context before it calls activate(): the bundle warms up meanwhile (see prewarm)
setTimeout(() => { try { main.prewarm(__dirname); } catch {} }, 10);
exports.activate = context => main.activate(context, { start, loadMs });
exports.deactivate = () => main.deactivate();
`);
}
// the page VS Code shows for the installed extension (the VSIX readme): docs/marketplace/README.md. VS Code's extension
// page and the Marketplace show only https images (VS Code 1.139's sanitizer removes relative and data: image sources:
// seen in the UI test), and this project has no https host yet: INCIDENT_LENS_IMAGES_URL=https://host/path (where
// docs/screenshots/ is served, e.g. a repository's raw URL) makes the images absolute; without it the packaged page
// leaves them out (text only, never an empty image box).
if (want('extension') && fs.existsSync(path.join(root, 'docs/marketplace/README.md'))) {
  const base = process.env.INCIDENT_LENS_IMAGES_URL?.replace(/\/+$/, '');
  if (base && !/^https:\/\//.test(base)) throw new Error(`INCIDENT_LENS_IMAGES_URL must be an https URL: ${base}`);
  const page = fs.readFileSync(path.join(root, 'docs/marketplace/README.md'), 'utf8')
    .replace(/^!\[([^\]]*)\]\(([^)\s]+)\)\n\n?/gm, (line, alt, rel) => /^https:\/\//.test(rel) ? line : base ? `![${alt}](${base}/${rel})\n\n` : '');
  fs.writeFileSync(path.join(dist, 'readme.md'), page);
}
// wasm: runtime from the pinned web-tree-sitter, grammars from grammars/ (pinned, see grammars/README.md)
fs.copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(dist, 'web-tree-sitter.wasm'));
for (const f of fs.readdirSync(path.join(root, 'grammars'))) if (f.endsWith('.wasm')) fs.copyFileSync(path.join(root, 'grammars', f), path.join(dist, f));
if (want('kb') && fs.existsSync(path.join(root, 'scripts/build-kb.ts'))) {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/build-kb.ts'), '--out', path.join(dist, 'kb.json')], { stdio: 'inherit', cwd: root });
}
console.error(`build: done in ${Date.now() - t0} ms`);
