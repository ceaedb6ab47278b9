import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/core/config';

const RULES = ['missing-timeout', 'wall-clock-ordering'];
const err = (text: string) => { try { parseConfig(text, '/p/.incident-lens.json', RULES); } catch (e) { assert.ok(e instanceof ConfigError); return (e as Error).message; } assert.fail('expected a ConfigError'); };

test('valid config: severities, aliases, off, numbers, globs', () => {
  const c = parseConfig(JSON.stringify({ rules: { 'missing-timeout': 'warn', 'wall-clock-ordering': 'off' }, defaultTimeoutMs: 5000, include: ['src/**'], exclude: ['src/legacy/**'], defaultExcludes: false }), '/p/.incident-lens.json', RULES);
  assert.deepEqual(c.rules['missing-timeout'], { enabled: true, severity: 'warning' });
  assert.deepEqual(c.rules['wall-clock-ordering'], { enabled: false });
  assert.equal(c.defaultTimeoutMs, 5000);
  assert.equal(c.root, '/p');
  assert.equal(c.defaultExcludes, false);
  assert.deepEqual(c.include, ['src/**']);
  assert.equal(c.browserCode, 'skip', 'browser-only code is out of missing-timeout by default');
  assert.equal(parseConfig('{"browserCode": "analyse"}', '/p/.incident-lens.json', RULES).browserCode, 'analyse');
  assert.equal(parseConfig('{"browserCode": "analyze"}', '/p/.incident-lens.json', RULES).browserCode, 'analyse');
});

test('errors name the file and the problem', () => {
  assert.match(err('{ "rules": { "missing-timeout": "warn" }'), /\.incident-lens\.json: not valid JSON/);
  assert.match(err('[]'), /top level must be a JSON object/);
  assert.match(err('{"rulez": {}}'), /unknown key "rulez"/);
  assert.match(err('{"rules": {"no-such-rule": "error"}}'), /unknown rule "no-such-rule"/);
  assert.match(err('{"rules": {"missing-timeout": "loud"}}'), /"rules.missing-timeout" must be one of/);
  assert.match(err('{"defaultTimeoutMs": "10s"}'), /"defaultTimeoutMs" must be a number/);
  assert.match(err('{"defaultTimeoutMs": 0}'), /"defaultTimeoutMs" must be a number ≥ 1/);
  assert.match(err('{"exclude": "dist"}'), /"exclude" must be an array of glob strings/);
  assert.match(err('{"defaultExcludes": "yes"}'), /"defaultExcludes" must be true or false/);
  assert.match(err('{"browserCode": true}'), /"browserCode" must be "skip" or "analyse"/);
});

test('JSON errors give a line and column', () => {
  assert.match(err('{\n  "rules": {\n    "missing-timeout": "warn",\n  }\n}'), /line \d+, column \d+/);
});
