/**
 * The extension's page (the README inside the VSIX, docs/marketplace/README.md): written for users, images that are
 * packaged, nothing a markdown renderer would eat, every rule, setting and command it should mention. The packaged
 * VSIX is checked by test/vscode/vsix-check.mjs and the rendered page by the UI test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { allRules } from '../../src/rules';

const ROOT = path.join(__dirname, '..', '..');
const PAGE = path.join(ROOT, 'docs', 'marketplace', 'README.md');
const md = fs.readFileSync(PAGE, 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));
/** The text outside fenced blocks and code spans. */
const prose = md.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');

test('packaged as the VSIX readme by `npm run package` and the VS Code suite, with the LICENSE', () => {
  assert.match(pkg.scripts.package, /--readme-path dist\/readme\.md/);
  assert.doesNotMatch(pkg.scripts.package, /--skip-license/);
  assert.match(fs.readFileSync(path.join(ROOT, 'scripts', 'test-vscode.mjs'), 'utf8'), /'--readme-path', 'dist\/readme\.md'/);
  assert.equal(pkg.license, 'MIT');
  assert.match(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n/);
});

test('images: screenshots the UI test refreshes (made https by scripts/build.mjs with INCIDENT_LENS_IMAGES_URL, else left out of the VSIX) or https', () => {
  const images = [...md.matchAll(/!\[([^\]]*)\]\(([^)\s]+)\)/g)];
  assert.ok(images.length >= 3);
  for (const [, alt, url] of images) {
    assert.ok(alt.length > 10, `alt text for ${url}`);
    if (url.startsWith('https://')) continue;
    assert.ok(!/^[a-z]+:|^\//i.test(url), url);
    assert.ok(fs.existsSync(path.join(ROOT, url)), `${url} exists`);
    assert.match(url, /^docs\/screenshots\/[\w-]+\.png$/, 'a screenshot the UI test refreshes');
  }
  // other links: web pages only (a relative link to a repository file would be broken in the VSIX)
  for (const [, url] of md.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)) assert.match(url, /^https:\/\//);
});

test('nothing a markdown renderer would eat or show raw: no HTML-like tags in the prose', () => {
  assert.doesNotMatch(prose, /<[A-Za-z][^>]*>/);
  assert.match(md, /"Learn: \*the incident\*"/);
});

test('written for users: no contributor instructions', () => {
  assert.doesNotMatch(md, /npm (ci|test|run|start)|--import|tsx|benchmark|git clone/i);
});

test('mentions every rule, every setting and every command of the palette', () => {
  for (const r of allRules) assert.ok(md.includes('`' + r.meta.id + '`'), r.meta.id);
  for (const key of Object.keys(pkg.contributes.configuration.properties)) assert.ok(md.includes('`' + key + '`'), key);
  const hidden = new Set(pkg.contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command));
  for (const c of pkg.contributes.commands) {
    if (hidden.has(c.command)) continue;
    const title = `${c.category}: ${nls[c.title.slice(1, -1)]}`;
    assert.ok(md.includes(title), title);
  }
});
