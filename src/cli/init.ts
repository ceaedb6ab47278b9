/** `incident-lens init`: a commented `.incident-lens.json` (JSONC) for the project, and on request a baseline. */
import * as fs from 'fs';
import * as path from 'path';
import type { RuleMeta } from '../core/types';
import { CONFIG_FILE } from '../core/config';

/** The config template: every key with its default, rules listed commented out (their defaults apply). */
export function configTemplate(rules: readonly RuleMeta[], schemaRef?: string): string {
  const w = Math.max(...rules.map(r => r.id.length)) + 4;
  const ruleLines = rules.map(r => `    // ${`"${r.id}": "${r.defaultSeverity}",`.padEnd(w + 14)} // ${r.title}`).join('\n');
  return `// Incident Lens configuration (JSON with comments; trailing commas are fine).
// A file is configured by the nearest .incident-lens.json above it, merged with the ones further up (the closer
// file wins key by key; "root": true stops the search). Check it with: npx incident-lens check
{
${schemaRef ? `  "$schema": ${JSON.stringify(schemaRef)},\n` : ''}  // Severity per rule: "error", "warning", "info" or "off". Rules not listed keep their default severity
  // (uncomment a line to change it; non-idempotent-handler reports payment handlers as errors by default).
  "rules": {
${ruleLines}
  },

  // The timeout (milliseconds) that missing-timeout's fixes insert.
  "defaultTimeoutMs": 10000,

  // Browser-only code (files starting with 'use client', requests to relative URLs) is out of missing-timeout's
  // scope: "skip". "analyse" judges it too.
  "browserCode": "skip",

  // Globs (relative to this file) of files not to analyse, e.g. "src/legacy/**". Tests, fixtures, node_modules,
  // dist, build, vendored and minified files are skipped already ("defaultExcludes": false analyses them too).
  "exclude": [],

  // Files larger than this are skipped with a notice.
  "maxFileSizeBytes": 1000000,

  // Your team's postmortems (markdown with front matter, see docs/KB-SCHEMA.md) join the knowledge base.
  "incidentsDir": ".incidents"
}
`;
}

/** `$schema` for the written file: the schema of this installation when it lies inside the project (node_modules). */
export function schemaRefFor(dir: string, schemaFile: string | undefined): string | undefined {
  if (!schemaFile || !fs.existsSync(schemaFile)) return undefined;
  const rel = path.relative(dir, schemaFile);
  if (rel.startsWith('..') || path.isAbsolute(rel) || !rel.split(path.sep).includes('node_modules')) return undefined;
  return './' + rel.split(path.sep).join('/');
}

export function writeConfigFile(dir: string, rules: readonly RuleMeta[], schemaFile: string | undefined, force: boolean): { file: string; written: boolean } {
  const file = path.join(dir, CONFIG_FILE);
  if (fs.existsSync(file) && !force) return { file, written: false };
  fs.writeFileSync(file, configTemplate(rules, schemaRefFor(dir, schemaFile)));
  return { file, written: true };
}
