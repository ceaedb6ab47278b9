// Reads a VSIX (zip) central directory without dependencies and checks what it ships.
import fs from 'node:fs';
import zlib from 'node:zlib';

export function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const size = buf.readUInt32LE(p + 24), nameLen = buf.readUInt16LE(p + 28), extra = buf.readUInt16LE(p + 30), comment = buf.readUInt16LE(p + 32);
    out.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size, method: buf.readUInt16LE(p + 10), compressed: buf.readUInt32LE(p + 20), local: buf.readUInt32LE(p + 42) });
    p += 46 + nameLen + extra + comment;
  }
  return out;
}

export const REQUIRED = ['extension/package.json', 'extension/package.nls.json', 'extension/dist/extension.js', 'extension/dist/extension-main.js', 'extension/dist/kb.js', 'extension/dist/kb.json',
  'extension/dist/web-tree-sitter.wasm', 'extension/dist/tree-sitter-typescript.wasm', 'extension/dist/tree-sitter-tsx.wasm',
  'extension/dist/tree-sitter-javascript.wasm', 'extension/images/icon.png', 'extension/l10n/bundle.l10n.json',
  'extension/readme.md', 'extension/LICENSE.txt'];

/** The content of one file of a zip (stored or deflated). */
export function zipRead(file, name) {
  const buf = fs.readFileSync(file);
  const e = zipEntries(file).find(x => x.name === name);
  if (!e) return undefined;
  const start = e.local + 30 + buf.readUInt16LE(e.local + 26) + buf.readUInt16LE(e.local + 28);
  const data = buf.subarray(start, start + e.compressed);
  return e.method === 8 ? zlib.inflateRawSync(data) : data;
}

/** Problems with a VSIX (empty when fine). */
export function checkVsix(file, maxBytes = 4 * 1024 * 1024) {
  const problems = [];
  const size = fs.statSync(file).size;
  if (size > maxBytes) problems.push(`${size} bytes > ${maxBytes}`);
  const names = zipEntries(file).map(e => e.name);
  for (const r of REQUIRED) if (!names.includes(r)) problems.push(`missing ${r}`);
  // the page VS Code shows for the extension: VS Code and the Marketplace show https images only (relative and data:
  // sources are removed); scripts/build.mjs makes them https (INCIDENT_LENS_IMAGES_URL) or leaves them out
  const readme = zipRead(file, 'extension/readme.md')?.toString('utf8') ?? '';
  if (!/^# Incident Lens\n/.test(readme)) problems.push('readme.md is not docs/marketplace/README.md');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g), ...readme.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/g)].map(m => m[1]);
  for (const url of images) if (!/^https:\/\//.test(url)) problems.push(`readme image ${url.slice(0, 60)} would be an empty box in VS Code`);
  if (/npm ci|npm test|npm run bench/.test(readme)) problems.push('readme.md is the contributors\' README');
  for (const n of names) {
    if (/^extension\/(src|node_modules|test|out|scripts|bench|knowledge|grammars)\//.test(n)) problems.push(`ships ${n}`);
    if (/\.(ts|map)$/.test(n)) problems.push(`ships ${n}`);
  }
  return problems;
}
