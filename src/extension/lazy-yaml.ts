/**
 * Stands in for the `yaml` package inside the extension bundle (scripts/build.mjs aliases it): the project layer parses
 * pnpm-workspace.yaml with it, rarely; the parser itself (0.2 MB) lives in dist/kb.js and is loaded then.
 */
import { kbBundle } from './lazy';

export function parse(src: string): unknown {
  return kbBundle().parseYaml(src);
}
