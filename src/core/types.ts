export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** A text edit in UTF-16 code-unit offsets (the unit of JS strings, tree-sitter's web indices and VS Code). */
export interface TextEdit { start: number; end: number; text: string }

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** safe: applied by `--fix` and fix-all-on-save; unsafe: offered as a quick fix only. */
  safety: 'safe' | 'unsafe';
  isPreferred?: boolean;
}

/** 0-based line, 0-based UTF-16 column (VS Code's Position). */
export interface Pos { line: number; column: number }

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Stable id of the message kind within its rule (for tests and l10n). */
  messageId: string;
  start: number;
  end: number;
  startPos: Pos;
  endPos: Pos;
  incidents: string[];
  patterns: string[];
  fixes: Fix[];
  /** Project facts that, when present anywhere in the project, make this finding void (see project.ts). */
  unlessFacts?: string[];
  /**
   * Other places that explain the finding (the repeated effect in a service, the retry's delay): shown as related
   * information in the editor, `relatedLocations` in SARIF and `related` in JSON.
   */
  related?: RelatedLocation[];
  /**
   * Set on a finding that depends on other files: rule data (JSON) its rule's `settle` reads in the project pass,
   * which drops the finding or returns it completed. Pending findings never reach users unsettled.
   */
  pending?: unknown;
}

/** A related location; `file` is absolute (the finding's own file when it is the same). 0-based positions. */
export interface RelatedLocation {
  file: string;
  startPos: Pos;
  endPos: Pos;
  message: string;
}

export interface RuleMeta {
  id: string;
  /** Short human title, e.g. "Outbound call without a timeout". */
  title: string;
  description: string;
  defaultSeverity: Severity;
  incidents: string[];
  patterns: string[];
  fixable: boolean;
}
