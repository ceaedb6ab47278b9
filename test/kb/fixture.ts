/** Shared helpers for the knowledge-base tests: temp copies of test/fixtures/kb and a built index. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildKb, type BuildOptions, type BuildResult } from '../../scripts/build-kb';
import type { RuleMeta } from '../../src/kb/schema';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'kb');

export const FIXTURE_RULES: RuleMeta[] = [
  { id: 'retry-without-backoff', defaultSeverity: 'warning', incidents: ['aws-ebs-2011', 'spotify-2013'], patterns: ['backoff-with-jitter'] },
  { id: 'retry-without-jitter', defaultSeverity: 'warning', incidents: ['aws-ebs-2011', 'spotify-2013'], patterns: ['backoff-with-jitter'] },
];

const created: string[] = [];
process.on('exit', () => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'kb-test-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(d);
  return d;
}

/** Copies the fixture KB (incidents, patterns, rules) into a fresh temp root. */
export function copyFixtureKb(): string {
  const root = tempDir();
  for (const d of ['incidents', 'patterns', 'rules']) fs.cpSync(path.join(FIXTURES, d), path.join(root, d), { recursive: true });
  return root;
}

export function buildFixture(root: string, extra: Partial<BuildOptions> = {}): Promise<BuildResult> {
  return buildKb({ root, incidentsDir: 'incidents', patternsDir: 'patterns', rulesDir: 'rules', rules: FIXTURE_RULES, ...extra });
}

let built: string | undefined;
/** Builds the fixture KB once per process and returns the path of its kb.json. */
export async function fixtureIndex(): Promise<string> {
  if (built && fs.existsSync(built)) return built;
  const root = copyFixtureKb();
  const out = path.join(root, 'dist', 'kb.json');
  const res = await buildFixture(root, { out });
  if (!res.ok) throw new Error('fixture KB failed to build: ' + JSON.stringify(res.errors));
  built = out;
  return out;
}

/** Replaces text in a file of a temp KB (throws if the text is absent, so tests cannot pass vacuously). */
export function edit(file: string, from: string | RegExp, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit: ${String(from)} not found in ${file}`);
  fs.writeFileSync(file, next);
}
