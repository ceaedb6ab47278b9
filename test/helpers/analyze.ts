/** Tests compose core and rules as the CLI does: every rule, and a one-file project pass (see src/project/analyze.ts). */
import type { AnalyzeOptions, FileAnalysis } from '../../src/core/analyzer';
import { analyzeFileText } from '../../src/project/analyze';
import { allRules } from '../../src/rules';

/** Analyzer options with every registered rule. */
export const ALL_RULES: AnalyzeOptions = { rules: allRules };

/** Analyses one file's text with every rule (unless `opts.rules` says otherwise), pending findings settled. */
export function analyzeText(text: string, file = 'input.ts', opts: Partial<AnalyzeOptions> = {}): Promise<FileAnalysis> {
  return analyzeFileText(text, file, { rules: allRules, ...opts });
}
