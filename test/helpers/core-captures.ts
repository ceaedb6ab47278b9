// The core query's captures of a parsed snippet, grouped by capture name: what the analyzer hands FileFacts
// (tests of FileFacts and of the core shortcuts build facts from it).
import { CORE_QUERY } from '../../src/core/analyzer';
import { loadLanguage, newQuery, parseSync, type LangId, type Node } from '../../src/core/parser';

export async function coreCaptures(code: string, lang: LangId = 'typescript') {
  await loadLanguage(lang);
  const tree = parseSync(code, lang);
  const groups = new Map<string, Node[]>();
  for (const c of newQuery(lang, CORE_QUERY).captures(tree.rootNode)) {
    if (!groups.has(c.name)) groups.set(c.name, []);
    groups.get(c.name)!.push(c.node);
  }
  return { tree, groups };
}
