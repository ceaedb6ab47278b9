/**
 * TypeScript the pinned grammar cannot parse (src/core/grammar-gaps.ts): the same-length rewrite parses cleanly,
 * positions are unchanged, rules see the code behind it, and an edited tree keeps reading the rewritten text.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initParser, loadLanguage, parseSync, parsedFromRewrite, makeEdit } from '../../src/core/parser';
import { rewriteGrammarGaps } from '../../src/core/grammar-gaps';
import { analyzeText } from '../helpers/analyze';

before(async () => { await initParser(); await loadLanguage('typescript'); await loadLanguage('tsx'); await loadLanguage('javascript'); });

/** [source, the part the rewrite must blank] (import types and parameter names are below: they are rewritten, not blanked) */
const GAPS: [string, string][] = [
  ['export type * from "./types";', 'type'],
  ['export type * as ns from "./x";', 'type'],
  ['const rows = sql<Row[]>`select ${a}`;', '<Row[]>'],
  ['const r = await prisma.$queryRaw<{ id: string }[]>`select 1`;', '<{ id: string }[]>'],
  ['const r = db.query<(a: string) => void>`x`;', '<(a: string) => void>'],
  ['const c = sql<{\n  id: string;\n  name: string | null;\n} | null>`json_build_object(${a})`.as("c");', '<{\n  id: string;\n  name: string | null;\n} | null>'],

];

describe('grammar gaps', () => {
  for (const [src, part] of GAPS) {
    it(`rewrites ${JSON.stringify(src)} to the same length and the grammar parses it`, () => {
      const want = src.replace(part, part.replace(/[^\n\r]/g, ' ')); // newlines stay: rows do not move
      const out = rewriteGrammarGaps(src, 'typescript');
      assert.equal(out, want);
      assert.equal(out!.length, src.length);
      const tree = parseSync(src, 'typescript');
      assert.equal(tree.rootNode.hasError, false);
      // only a tree with errors is re-parsed from the rewrite: this is still a gap of the grammar (else drop the rewrite)
      assert.equal(parsedFromRewrite(tree), true);
      tree.delete();
    });
  }

  const REWRITES: [string, string][] = [
    ['let a: Promise<import("axios").AxiosResponse<X>>;', 'let a: Promise<any                             >;'],
    ['function f(): Promise<\n  import("axios").AxiosResponse<Map<string, X>>\n> { return g(); }', 'function f(): Promise<\n  any                                          \n> { return g(); }'],
    ['let e: import("fs").Dirent[];', 'let e: any                  ;'],
    ['x.$type<import("./a").H>();', 'x.$type<any            >();'],
    ['let a: import("x").Page<{ a: string; b: number }>;', 'let a: any                                       ;'],
    ['let t: (string) => any;', 'let t: (_tring) => any;'],
    ['const m: (any) => I = (r) => r;', 'const m: (_ny) => I = (r) => r;'],
  ];
  for (const [src, want] of REWRITES) {
    it(`rewrites ${JSON.stringify(src)} to ${JSON.stringify(want)} and the grammar parses it`, () => {
      assert.equal(want.length, src.length);
      assert.equal(rewriteGrammarGaps(src, 'typescript'), want);
      const tree = parseSync(src, 'typescript');
      assert.equal(tree.rootNode.hasError, false);
      assert.equal(parsedFromRewrite(tree), true);
      tree.delete();
    });
  }

  it('leaves valid code alone: clean files, JavaScript, arrow bodies that are templates, comparisons', () => {
    for (const src of ['const f = (a: number) =>`${a}`;', 'export * from "./x";', 'let x = a < b;', 'type T = import("x").A;', 'const m = await import("./m");', 'const r = () => import("./r");']) {
      const tree = parseSync(src, 'typescript');
      assert.equal(tree.rootNode.hasError, false);
      assert.equal(parsedFromRewrite(tree), false);
      tree.delete();
    }
    assert.equal(rewriteGrammarGaps('const r = a<b>`x`;', 'javascript'), undefined);
    assert.equal(rewriteGrammarGaps('const f = (a) =>`x`; export * from "y";', 'typescript'), undefined);
  });

  it('keeps the original tree when the rewrite does not remove errors', () => {
    const src = 'export type * from "./x";\nfunction (';
    const tree = parseSync(src, 'typescript');
    // the gap is bridged; the real syntax error stays
    assert.equal(tree.rootNode.hasError, true);
    const first = tree.rootNode.child(0)!;
    assert.equal(first.type, 'export_statement');
    tree.delete();
  });

  it('rules see the code of a file whose grammar gap made it one ERROR node', async () => {
    const src = [
      'export class Plaid {',
      '  async token(): Promise<',
      '    import("axios").AxiosResponse<TokenResponse>',
      '  > {',
      '    return fetch("https://api.plaid.example/token");',
      '  }',
      '}',
      '',
    ].join('\n');
    const r = await analyzeText(src, 'src/plaid.ts');
    const f = r.findings.filter(x => x.ruleId === 'missing-timeout');
    assert.deepEqual(f.map(x => [x.startPos.line, x.startPos.column]), [[4, 11]]);
  });

  it('an edited rewritten tree re-parses from the rewritten text (editor and CLI see one tree)', () => {
    const src = 'const rows = sql<Row[]>`select 1`;\nconst b = 2;\n';
    const tree = parseSync(src, 'typescript');
    assert.equal(parsedFromRewrite(tree), true);
    const next = src.replace('const b = 2;', 'const b = 22;');
    const at = src.indexOf('2;');
    tree.edit(makeEdit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: { row: 1, column: 10 }, oldEndPosition: { row: 1, column: 10 }, newEndPosition: { row: 1, column: 11 } }));
    const again = parseSync(next, 'typescript', tree);
    assert.equal(again.rootNode.hasError, false);
    assert.equal(parsedFromRewrite(again), true);
    tree.delete(); again.delete();
  });
});
