/**
 * Pathological inputs of issue 21, generated (never committed as large files). Shared by the regression tests and
 * the fuzz target (scripts/fuzz.ts), which uses larger sizes.
 */

/** `{ headers: {` then `<a>`×n `</a>`×n: web-tree-sitter traps ("memory access out of bounds") at n = 3000. */
export function trapText(n = 3000, sep = ''): string {
  return `{\n  headers: {\n}\n${('<a>' + sep).repeat(n)}${('</a>' + sep).repeat(n)}\n`;
}
export const TRAP_TEXT = trapText();

/** The stress shapes of the issue, by name: each a function of a size. */
export const STRESS_SHAPES: Record<string, (n: number) => string> = {
  'nested-fetch': n => `export async function f(u: string) {\n  return ${'fetch('.repeat(n)}u${')'.repeat(n)};\n}\n`,
  'nested-calls': n => `export const v = ${'g('.repeat(n)}1${')'.repeat(n)};\n`,
  'for-try': n => `export async function f(u: string) {\n${'for(;;){try{'.repeat(n)}await fetch(u);${'}catch(e){}}'.repeat(n)}\n}\n`,
  'datenow-chain': n => `export const d = ${Array.from({ length: n }, () => 'Date.now()').join(' - ')};\n`,
  'await-chain': n => `export async function f(p: any) {\n  return ${'await '.repeat(n)}p;\n}\n`,
  'arrows': n => `export const f = ${'() => '.repeat(n)}fetch(u);\n`,
  'async-fns': n => `${Array.from({ length: n }, (_, i) => `async function f${i}(u: string) { for (;;) { try { return await fetch(u); } catch { await sleep(${i}); } } }`).join('\n')}\n`,
  'syntax-error-fetch': n => `export function f(u: string) {\n  const x = {\n${Array.from({ length: n }, () => '    fetch(u);\n').join('')}  if (\n}\n`,
  'nested-arrays': n => `export const a = ${'['.repeat(n)}${']'.repeat(n)};\n`,
  'nested-objects': n => `export const o = ${'{a:'.repeat(n)}1${'}'.repeat(n)};\n`,
  'nested-parens': n => `export const p = ${'('.repeat(n)}1${')'.repeat(n)};\n`,
  'nested-ifs': n => `export function f(u: string) {\n${'if (u) {'.repeat(n)}fetch(u);${'}'.repeat(n)}\n}\n`,
  'nested-templates': n => `export const t = ${'`${'.repeat(n)}1${'}`'.repeat(n)};\n`,
  'binary-chain': n => `export const s = ${Array.from({ length: n }, (_, i) => `a${i}`).join(' + ')};\n`,
  'member-chain': n => `export const m = fetch(u)${'.then(r => r)'.repeat(n)};\n`,
  'many-retries': n => Array.from({ length: n }, (_, i) => `export async function r${i}(u: string) {\n  for (let i = 0; i < 3; i++) {\n    try { return await fetch(u); } catch { await new Promise(r => setTimeout(r, 100)); }\n  }\n}\n`).join(''),
  'jsx-like': n => `export const x = { headers: { ${'<a>'.repeat(n)}${'</a>'.repeat(n)} } };\n`,
};
