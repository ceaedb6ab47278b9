import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, ConfigResolver, CONFIG_SCHEMA, configForFile, parseConfig, parseConfigLayer } from '../../src/core/config';
import { validate, assertSupportedSchema } from '../../src/core/schema-check';
import { allRules } from '../../src/rules';
import { tempProject } from '../helpers/temp-project';

const RULES = ['missing-timeout', 'wall-clock-ordering'];
const err = (text: string) => { try { parseConfig(text, '/p/.incident-lens.json', RULES); } catch (e) { assert.ok(e instanceof ConfigError); return (e as Error).message; } assert.fail('expected a ConfigError'); };
const problems = (text: string, rules = RULES) => parseConfigLayer(text, '/p/.incident-lens.json', rules).problems.map(p => `${p.line}:${p.column} ${p.message}`);

test('valid config: severities, aliases, off, numbers, globs', () => {
  const c = parseConfig(JSON.stringify({ rules: { 'missing-timeout': 'warn', 'wall-clock-ordering': 'off' }, defaultTimeoutMs: 5000, include: ['src/**'], exclude: ['src/legacy/**'], defaultExcludes: false }), '/p/.incident-lens.json', RULES);
  assert.deepEqual(c.rules['missing-timeout'], { enabled: true, severity: 'warning' });
  assert.deepEqual(c.rules['wall-clock-ordering'], { enabled: false });
  assert.equal(c.defaultTimeoutMs, 5000);
  assert.equal(c.root, '/p');
  assert.equal(c.defaultExcludes, false);
  assert.deepEqual(c.include, ['src/**']);
  assert.deepEqual(c.configured.sort(), ['defaultExcludes', 'defaultTimeoutMs', 'exclude', 'include', 'rules']);
  assert.equal(c.browserCode, 'skip', 'browser-only code is out of missing-timeout by default');
  assert.equal(parseConfig('{"browserCode": "analyse"}', '/p/.incident-lens.json', RULES).browserCode, 'analyse');
  assert.equal(parseConfig('{"browserCode": "analyze"}', '/p/.incident-lens.json', RULES).browserCode, 'analyse');
});

test('errors name the file and the problem', () => {
  assert.match(err('{ "rules": { "missing-timeout": "warn" }'), /\.incident-lens\.json: not valid JSON/);
  assert.match(err('[]'), /top level must be a JSON object/);
  assert.match(err('{"rulez": {}}'), /unknown key "rulez"; did you mean "rules"\?/);
  assert.match(err('{"rules": {"no-such-rule": "error"}}'), /unknown rule "no-such-rule" \(known: missing-timeout, wall-clock-ordering\)/);
  assert.match(err('{"rules": {"missing-timeout": "loud"}}'), /"rules.missing-timeout" must be one of "off", "info", "warning", "error", "warn" \(got "loud"\)/);
  assert.match(err('{"rules": {"missing-timeout": {"severity": "eror"}}}'), /"rules.missing-timeout.severity" must be one of .*got "eror"; did you mean "error"\?/);
  assert.match(err('{"rules": {"missing-timeout": 3}}'), /"rules.missing-timeout" must be one of .* or an object \{ "severity": … \} \(got 3\)/);
  assert.match(err('{"defaultTimeoutMs": "10s"}'), /"defaultTimeoutMs" must be a number ≥ 1 \(got "10s"\)/);
  assert.match(err('{"defaultTimeoutMs": 0}'), /"defaultTimeoutMs" must be a number ≥ 1 \(got 0\)/);
  assert.match(err('{"exclude": "dist"}'), /"exclude" must be an array of strings \(got "dist"\)/);
  assert.match(err('{"exclude": ["ok", ""]}'), /"exclude.1" must not be empty/);
  assert.match(err('{"defaultExcludes": "yes"}'), /"defaultExcludes" must be true or false/);
  assert.match(err('{"browserCode": true}'), /"browserCode" must be one of "skip", "analyse", "analyze" \(got true\)/);
  assert.match(err('{"browserCode": "analyse "}'), /did you mean "analyse"\?/);
});

test('JSONC: comments and trailing commas are accepted; syntax errors give a line and column', () => {
  const c = parseConfig('// team config\n{\n  /* block */ "rules": { "missing-timeout": "error", },\n  "defaultTimeoutMs": 2000, // trailing\n}\n', '/p/.incident-lens.json', RULES);
  assert.deepEqual(c.rules['missing-timeout'], { enabled: true, severity: 'error' });
  assert.equal(c.defaultTimeoutMs, 2000);
  assert.match(err('{\n  "rules": {\n    "missing-timeout": "warn"\n    "wall-clock-ordering": "off"\n  }\n}'), /not valid JSON: a comma is expected \(line 4, column 5\)/);
  assert.deepEqual(problems('{ "rules": '), ['1:12 not valid JSON: a value is expected'], 'one syntax error, not its echoes');
});

test('every problem is reported at once, each with its line and column', () => {
  const text = '{\n  "bogus": 1,\n  "rules": {\n    "missing-timeout": "eror",\n    "no-such-rule": "error"\n  },\n  "defaultTimeoutMs": "10s"\n}\n';
  assert.deepEqual(problems(text), [
    '2:3 unknown key "bogus" (known: root, rules, defaultTimeoutMs, browserCode, include, exclude, defaultExcludes, maxFileSizeBytes, ruleTimeBudgetMs, incidentsDir)',
    '4:24 "rules.missing-timeout" must be one of "off", "info", "warning", "error", "warn" (got "eror"; did you mean "error"?)',
    '5:5 unknown rule "no-such-rule" (known: missing-timeout, wall-clock-ordering)',
    '7:23 "defaultTimeoutMs" must be a number ≥ 1 (got "10s")',
  ]);
  const m = err(text);
  assert.match(m, /4 problems:\n {2}line 2, column 3: unknown key "bogus"[^\n]*\n {2}line 4, column 24: [^\n]*\n {2}line 5, column 5: [^\n]*\n {2}line 7, column 23: /);
});

test('a bad key is dropped alone: the valid keys of the same file still apply', () => {
  const l = parseConfigLayer('{ "rules": { "missing-timeout": "error", "wall-clock-ordering": "loud" }, "defaultTimeoutMs": "10s", "exclude": ["legacy/**"], "bogus": 1 }', '/p/.incident-lens.json', RULES);
  assert.equal(l.problems.length, 3);
  assert.deepEqual(l.values.rules, { 'missing-timeout': { enabled: true, severity: 'error' } });
  assert.equal(l.values.defaultTimeoutMs, undefined);
  assert.deepEqual(l.values.exclude, ['legacy/**']);
});

describe('config per file: found from the file up, nested files merged (closer wins)', () => {
  const dir = tempProject({
    '.incident-lens.json': '{ "rules": { "missing-timeout": "error", "wall-clock-ordering": "off" }, "defaultTimeoutMs": 5000, "exclude": ["legacy/**"], "incidentsDir": "pm" }',
    'packages/a/.incident-lens.json': '// package a\n{ "rules": { "missing-timeout": "info" }, "exclude": ["gen/**"], "include": ["src/**"] }',
    'packages/b/.incident-lens.json': '{ "root": true, "defaultTimeoutMs": 3000 }',
    'packages/a/src/x.ts': '', 'packages/b/src/y.ts': '', 'other/z.ts': '',
  });
  const r = new ConfigResolver(allRules.map(x => x.meta.id));
  test('the closest file wins key by key; rules merge rule by rule; excludes add up, rebased to the outer root', () => {
    const a = r.forFile(path.join(dir, 'packages/a/src/x.ts'));
    assert.equal(a.root, dir);
    assert.deepEqual(a.files, [path.join(dir, '.incident-lens.json'), path.join(dir, 'packages/a/.incident-lens.json')]);
    assert.equal(a.file, path.join(dir, 'packages/a/.incident-lens.json'));
    assert.deepEqual(a.rules['missing-timeout'], { enabled: true, severity: 'info' });
    assert.deepEqual(a.rules['wall-clock-ordering'], { enabled: false });
    assert.equal(a.defaultTimeoutMs, 5000);
    assert.deepEqual(a.exclude, ['legacy/**', 'packages/a/gen/**']);
    assert.deepEqual(a.include, ['packages/a/src/**']);
    assert.equal(a.incidentsDir, 'pm');
  });
  test('"root": true stops the merge', () => {
    const b = r.forFile(path.join(dir, 'packages/b/src/y.ts'));
    assert.deepEqual(b.files, [path.join(dir, 'packages/b/.incident-lens.json')]);
    assert.equal(b.root, path.join(dir, 'packages/b'));
    assert.equal(b.defaultTimeoutMs, 3000);
    assert.deepEqual(b.rules, {});
  });
  test('files configured by the same chain share one object; configForFile is the one-off lookup', () => {
    assert.equal(r.forFile(path.join(dir, 'other/z.ts')), r.forFile(path.join(dir, 'x.ts')));
    assert.equal(configForFile(path.join(dir, 'other/z.ts'), RULES).defaultTimeoutMs, 5000);
  });
  test('a nested file with problems: its problems are listed, its good keys and the outer file still apply', () => {
    fs.mkdirSync(path.join(dir, 'packages/c'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'packages/c/.incident-lens.json'), '{ "defaultTimeoutMs": 2000, "rules": { "missing-timeout": "loud" } }');
    const rc = new ConfigResolver(allRules.map(x => x.meta.id));
    const c = rc.forFile(path.join(dir, 'packages/c/q.ts'));
    assert.equal(c.defaultTimeoutMs, 2000);
    assert.deepEqual(c.rules['missing-timeout'], { enabled: true, severity: 'error' }, 'the outer setting stays');
    assert.equal(c.problems.length, 1);
    assert.match(c.problems[0].message, /"rules.missing-timeout" must be one of/);
    assert.deepEqual(rc.problems().map(p => p.file), [path.join(dir, 'packages/c/.incident-lens.json')]);
  });
});

describe('the JSON schema (schemas/incident-lens.schema.json)', () => {
  const root = path.join(__dirname, '..', '..');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = require('ajv');
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowMatchingProperties: true, keywords: ['allowComments', 'allowTrailingCommas', 'markdownDescription'] });
  const ajvValidate = ajv.compile(CONFIG_SCHEMA);

  test('is valid draft-07 (ajv, strict mode) and uses only keywords the CLI validator implements', () => {
    assert.ok(ajvValidate);
    assert.doesNotThrow(() => assertSupportedSchema(CONFIG_SCHEMA));
    assert.throws(() => assertSupportedSchema({ type: 'object', patternProperties: {} }), /unsupported keyword "patternProperties"/);
  });

  test('names every rule of the registry, and only those', () => {
    const s = CONFIG_SCHEMA.properties!.rules;
    assert.deepEqual([...(s.propertyNames!.enum as string[])].sort(), allRules.map(r => r.meta.id).sort());
    assert.deepEqual(Object.keys(s.properties!).sort(), allRules.map(r => r.meta.id).sort());
  });

  test('the CLI validator and ajv agree on a table of configs', () => {
    const cases: unknown[] = [
      {}, { $schema: './x.json' }, { root: true }, { root: 'yes' },
      { rules: {} }, { rules: { 'missing-timeout': 'warn' } }, { rules: { 'missing-timeout': 'loud' } }, { rules: { 'missing-timeout': { severity: 'error' } } },
      { rules: { 'missing-timeout': { severity: 'error', extra: 1 } } }, { rules: { 'missing-timeout': {} } }, { rules: { 'missing-timeout': 3 } }, { rules: { nope: 'error' } }, { rules: [] },
      { defaultTimeoutMs: 1 }, { defaultTimeoutMs: 0 }, { defaultTimeoutMs: 2.5 }, { defaultTimeoutMs: '10s' }, { defaultTimeoutMs: null },
      { include: [] }, { include: ['src/**'] }, { include: [''] }, { include: 'src' }, { include: [1] }, { exclude: ['a', 'b'] },
      { defaultExcludes: false }, { defaultExcludes: 0 }, { maxFileSizeBytes: 10 }, { maxFileSizeBytes: -1 },
      { browserCode: 'skip' }, { browserCode: 'analyze' }, { browserCode: 'browser' }, { incidentsDir: '.incidents' }, { incidentsDir: '' }, { incidentsDir: 3 }, { bogus: 1 }, { rules: { 'wall-clock-ordering': 'off' }, eror: true },
    ];
    for (const c of cases) {
      const ours = validate(c, CONFIG_SCHEMA);
      assert.equal(ours.length === 0, ajvValidate(c) as boolean, `${JSON.stringify(c)}: ours ${JSON.stringify(ours)} vs ajv ${JSON.stringify(ajvValidate.errors)}`);
    }
  });

  test('ships with the extension: contributes.jsonValidation, and the VSIX includes it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: '.incident-lens.json', url: './schemas/incident-lens.schema.json' }]);
    assert.ok(fs.existsSync(path.join(root, 'schemas/incident-lens.schema.json')));
    assert.match(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!schemas\/incident-lens\.schema\.json$/m);
    assert.ok(pkg.files === undefined || pkg.files.some((f: string) => f.startsWith('schemas')), 'the npm package carries it too');
  });
});
