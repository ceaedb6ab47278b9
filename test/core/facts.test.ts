import { test } from 'node:test';
import { ALL_RULES } from '../helpers/analyze';
import assert from 'node:assert/strict';
import { analyzeTree } from '../../src/core/analyzer';
import { FileFacts } from '../../src/core/facts';
import { coreCaptures } from '../helpers/core-captures';
import { loadLanguage, parseSync, LangId, Node } from '../../src/core/parser';

async function factsOf(code: string, lang: LangId = 'typescript') {
  const { tree, groups } = await coreCaptures(code, lang);
  return { facts: new FileFacts(groups), tree, groups };
}

const b = (f: FileFacts, name: string) => { const x = f.binding(name); return x && `${x.module}:${x.imported}`; };

test('import forms: default, named, aliased, namespace, default+named, TS import-require', async () => {
  const { facts } = await factsOf(`
import axios from 'axios';
import { fetch as undiciFetch, request } from 'undici';
import * as https from 'node:https';
import got, { HTTPError } from 'got';
import superagent = require('superagent');
`);
  assert.equal(b(facts, 'axios'), 'axios:default');
  assert.equal(b(facts, 'undiciFetch'), 'undici:fetch');
  assert.equal(b(facts, 'request'), 'undici:request');
  assert.equal(b(facts, 'https'), 'node:https:*');
  assert.equal(b(facts, 'got'), 'got:default');
  assert.equal(b(facts, 'HTTPError'), 'got:HTTPError');
  assert.equal(b(facts, 'superagent'), 'superagent:*');
});

test('require forms: whole module, member, .default, destructuring with rename and defaults', async () => {
  const { facts } = await factsOf(`
const axios = require('axios');
const ax2 = require('axios').default;
const { get, post: httpPost } = require('axios');
const { default: client = null } = require('got');
const fetchImpl = require('node-fetch');
`, 'javascript');
  assert.equal(b(facts, 'axios'), 'axios:*');
  assert.equal(b(facts, 'ax2'), 'axios:default');
  assert.equal(b(facts, 'get'), 'axios:get');
  assert.equal(b(facts, 'httpPost'), 'axios:post');
  assert.equal(b(facts, 'client'), 'got:default');
  assert.equal(b(facts, 'fetchImpl'), 'node-fetch:*');
});

test('moduleOf honours shadowing by parameters and inner declarations', async () => {
  const code = `import axios from 'axios';
function a(axios) { axios.get('x'); }
function b() { const axios = mock(); axios.get('y'); }
axios.get('z');`;
  const { facts, groups } = await factsOf(code);
  const calls = groups.get('call')!.filter(c => c.text.startsWith('axios.get'));
  const heads = calls.map(c => c.childForFieldName('function')!.childForFieldName('object')!);
  assert.deepEqual(heads.map(h => !!facts.moduleOf(h)), [false, false, true]);
});

test('resolveObject follows same-file consts (not let) and lookupProp sees through spreads', async () => {
  const code = `const base = { timeout: 1 };
const opts = { ...base, method: 'GET' };
let mutable = { timeout: 2 };
const unknownSpread = { ...other };
use(opts, mutable, unknownSpread);`;
  const { facts, groups } = await factsOf(code);
  const call = groups.get('call')!.find(c => c.text.startsWith('use('))!;
  const [o, m, u] = call.childForFieldName('arguments')!.namedChildren as Node[];
  const oo = facts.resolveObject(o)!;
  assert.equal(facts.lookupProp(oo, 'timeout').kind, 'present');
  assert.equal(facts.lookupProp(oo, 'signal').kind, 'absent');
  assert.equal(facts.resolveObject(m), null, 'let may be reassigned: not resolved');
  assert.equal(facts.lookupProp(facts.resolveObject(u)!, 'timeout').kind, 'unknown');
});

test('analyzeTree reports syntax errors but still analyses', async () => {
  await loadLanguage('typescript');
  const text = 'const x = ;\nfetch(u);';
  const tree = parseSync(text, 'typescript');
  const r = analyzeTree('a.ts', text, 'typescript', tree, ALL_RULES);
  assert.equal(r.hasSyntaxErrors, true);
  assert.equal(r.findings.length, 1);
});
