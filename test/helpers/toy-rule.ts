/**
 * A toy rule that exercises the project layer end to end: `boom()` anywhere in a function is an "effect" (a
 * summary); an `export function handle` that reaches one (any file, up to three calls deep) is reported at its name
 * as a pending finding, settled with the effect as related information.
 */
import * as path from 'path';
import type { Rule } from '../../src/core/rule';
import type { Pos } from '../../src/core/types';
import type { Ref } from '../../src/core/symbols';

export function toyRule(): Rule {
  return {
    meta: { id: 'toy', title: 'toy', description: 'toy', defaultSeverity: 'warning', incidents: [], patterns: [], fixable: false },
    triggers: /handle/,
    summaries: [{
      key: 'boom', triggers: /boom\(/, of: (ctx, fn) => {
        const m = /boom\(/.exec(ctx.text.slice(fn.node.startIndex, fn.node.endIndex));
        return m ? { at: ctx.lines.pos(fn.node.startIndex + m.index) } : undefined;
      },
    }],
    check(ctx) {
      for (const f of ctx.captures('func')) {
        const name = f.childForFieldName('name');
        if (name?.text !== 'handle') continue;
        const calls = ctx.captures('call').filter(c => c.startIndex > f.startIndex && c.endIndex < f.endIndex)
          .map(c => ctx.refOf(c.childForFieldName('function')!)).filter(Boolean);
        ctx.report({ node: name, messageId: 'x', message: 'handle', pending: { calls } });
      }
    },
    settle(f, project, file) {
      for (const ref of (f.pending as { calls: Ref[] }).calls) {
        const hit = project.reach(file, ref).find(r => r.fn.facts.boom);
        if (!hit) continue;
        const at = (hit.fn.facts.boom as { at: Pos }).at;
        return { ...f, message: `handle reaches boom in ${path.basename(hit.file)}`, related: [{ file: hit.file, startPos: at, endPos: at, message: 'here' }] };
      }
      return undefined;
    },
  };
}
