/**
 * Pathological inputs of issue 21, generated (never committed as large files). Shared by the regression tests and
 * the fuzz target (scripts/fuzz.ts), which uses larger sizes.
 */

/** `{ headers: {` then `<a>`×n `</a>`×n: web-tree-sitter traps ("memory access out of bounds") at n = 3000. */
export function trapText(n = 3000, sep = ''): string {
  return `{\n  headers: {\n}\n${('<a>' + sep).repeat(n)}${('</a>' + sep).repeat(n)}\n`;
}
export const TRAP_TEXT = trapText();

/**
 * The stress shapes of the issue (as in /work/shared/repro/reliability/slow), by name, each a function of a size;
 * then a few more of the same family (deep nesting of each bracket kind, long chains, many siblings).
 */
export const STRESS_SHAPES: Record<string, (n: number) => string> = {
  'nested-fetch': n => `export async function f(u: string) {\n  return ${'fetch('.repeat(n)}u${')'.repeat(n)};\n}\n`,
  'nested-calls': n => `const z = ${'f(\n'.repeat(n)}1${')'.repeat(n)};\n`,
  'for-try': n => `async function g() {\n${'for(;;){try{\n'.repeat(n)}await fetch(u);\n${'}catch(e){}}\n'.repeat(n)}}\n`,
  'datenow-chain': n => `const z = ${Array.from({ length: n }, () => 'Date.now()').join('\n - ')};\n`,
  'await-chain': n => `async function g() { return ${'await\n'.repeat(n)}fetch(u); }\n`,
  'arrows': n => `const z = ${'() =>\n'.repeat(n)}fetch(u);\n`,
  'async-fns': n => `${'async function f() {\n'.repeat(n)}await fetch(u);\n${'}\n'.repeat(n)}`,
  'syntax-error-fetch': n => `export async function action(u: string) {\n  const r = await db.find(u);\n  fetch(u, ${'fetch(u), '.repeat(n)}\n  return r;\n}\n`,
  'error-statements-fetch': n => `export function f(u: string) {\n  const x = {\n${'    fetch(u);\n'.repeat(n)}  if (\n}\n`,
  'sibling-retries': n => Array.from({ length: n }, (_, i) => `export async function r${i}(u: string) {\n  for (let i = 0; i < 3; i++) {\n    try { return await fetch(u); } catch { await new Promise(r => setTimeout(r, 100)); }\n  }\n}\n`).join(''),
  'nested-arrays': n => `export const a = ${'['.repeat(n)}${']'.repeat(n)};\n`,
  'nested-objects': n => `export const o = ${'{a:'.repeat(n)}1${'}'.repeat(n)};\n`,
  'nested-parens': n => `export const p = ${'('.repeat(n)}1${')'.repeat(n)};\n`,
  'nested-ifs': n => `export function f(u: string) {\n${'if (u) {'.repeat(n)}fetch(u);${'}'.repeat(n)}\n}\n`,
  'nested-templates': n => `export const t = ${'`${'.repeat(n)}1${'}`'.repeat(n)};\n`,
  'binary-chain': n => `export const s = ${Array.from({ length: n }, (_, i) => `a${i}`).join(' + ')};\n`,
  'member-chain': n => `export const m = fetch(u)${'.then(r => r)'.repeat(n)};\n`,
  'jsx-like': n => `export const x = { headers: { ${'<a>'.repeat(n)}${'</a>'.repeat(n)} } };\n`,
};
