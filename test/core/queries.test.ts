import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allRules } from '../../src/rules';
import { CORE_QUERY } from '../../src/core/analyzer';
import { loadLanguage, newQuery, LangId } from '../../src/core/parser';

const LANGS: LangId[] = ['typescript', 'tsx', 'javascript'];

for (const lang of LANGS) {
  test(`core + every rule's query compiles for ${lang}`, async () => {
    await loadLanguage(lang);
    newQuery(lang, CORE_QUERY).delete();
    for (const r of allRules) {
      const src = typeof r.query === 'function' ? r.query(lang) : r.query;
      if (!src) continue;
      assert.doesNotThrow(() => newQuery(lang, src).delete(), `rule ${r.meta.id} query for ${lang}`);
    }
  });
}

test('rule metadata is complete and ids are unique', () => {
  const ids = new Set<string>();
  for (const r of allRules) {
    const m = r.meta;
    assert.match(m.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(!ids.has(m.id), `duplicate id ${m.id}`);
    ids.add(m.id);
    assert.ok(['error', 'warning', 'info'].includes(m.defaultSeverity));
    assert.ok(m.incidents.length >= 1 && m.patterns.length >= 1, `${m.id} links incidents and patterns`);
    assert.ok(m.title && m.description);
  }
});
