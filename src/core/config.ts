/**
 * Project config files `.incident-lens.json`, read identically by the CLI and the extension. JSON with comments and
 * trailing commas (JSONC), validated against schemas/incident-lens.schema.json (the schema VS Code shows through
 * `contributes.jsonValidation`):
 * {
 *   "root": false,                    // true: do not merge config files further up
 *   "rules": { "missing-timeout": "error" | "warning" | "warn" | "info" | "off" | { "severity": "error" } },
 *   "defaultTimeoutMs": 10000,
 *   "browserCode": "skip",            // "analyse": missing-timeout also judges browser-only code
 *   "include": ["src/**"], "exclude": ["legacy/**"],   // globs relative to the file's directory
 *   "defaultExcludes": true,          // tests, fixtures, node_modules, dist, build, minified
 *   "maxFileSizeBytes": 1000000,
 *   "ruleTimeBudgetMs": 2000,         // per rule and file; over it, the rule's findings for the file are dropped
 *   "incidentsDir": ".incidents"      // team postmortems merged into the knowledge base
 * }
 * A file is configured by every config file from its directory up to the filesystem root (or the first with
 * `"root": true`), merged with the closer file winning key by key (`rules` rule by rule; `exclude` globs add up).
 * Every problem of a file is reported at once, with its line and column; a bad key is dropped alone (the file's
 * other keys still apply), so an editor never falls back silently to the defaults.
 *
 * API for adapters: `new ConfigResolver(ruleIds).forFile(absFile)` → ResolvedConfig (with `problems` and
 * `configured`); `configForFile(absFile, ruleIds)` for a one-off lookup.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseJsonc, parseTree, findNodeAtLocation, printParseErrorCode, type ParseError, type Node as JsonNode } from 'jsonc-parser';
import type { RuleSetting } from './analyzer';
import type { Severity } from './types';
import { assertSupportedSchema, validate, type SchemaNode } from './schema-check';
import schemaJson from '../../schemas/incident-lens.schema.json';
import picomatch from 'picomatch';
import { DEFAULT_RULE_TIME_BUDGET_MS } from './guard';

export const CONFIG_FILE = '.incident-lens.json';
export const CONFIG_SCHEMA = schemaJson as unknown as SchemaNode;
assertSupportedSchema(CONFIG_SCHEMA);

export type ConfigKey = 'rules' | 'defaultTimeoutMs' | 'browserCode' | 'include' | 'exclude' | 'defaultExcludes' | 'maxFileSizeBytes' | 'ruleTimeBudgetMs' | 'incidentsDir';

export interface ConfigProblem {
  file: string;
  /** JSON path of the offending key or value, e.g. `rules.missing-timeout` ('' for the whole file). */
  path: string;
  /** 1-based. */
  line: number;
  column: number;
  message: string;
}

export interface ResolvedConfig {
  /** Absolute path of the nearest config file, or undefined when defaults are used. */
  file?: string;
  /** Every config file merged into this one, outermost first. */
  files: string[];
  /** Directory globs are relative to (the outermost config file's directory). */
  root: string;
  rules: Record<string, RuleSetting>;
  defaultTimeoutMs: number;
  /** 'analyse' turns missing-timeout back on for browser-only code (RULES v2); default 'skip'. */
  browserCode: 'skip' | 'analyse';
  include: string[];
  exclude: string[];
  defaultExcludes: boolean;
  maxFileSizeBytes: number;
  /** Time budget of one rule on one file (core/guard.ts). */
  ruleTimeBudgetMs: number;
  incidentsDir: string;
  /** Keys some config file sets validly (the extension's settings fill in the others). */
  configured: ConfigKey[];
  /** Problems of the merged files (their bad keys are ignored; the rest applies). */
  problems: ConfigProblem[];
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(readonly file: string, readonly problem: string, problems?: ConfigProblem[]) {
    super(problems && problems.length > 1 ? `invalid config ${file}: ${problems.length} problems:\n${problems.map(p => `  ${formatProblem(p)}`).join('\n')}` : `invalid config ${file}: ${problem}`);
    this.problems = problems ?? [{ file, path: '', line: 1, column: 1, message: problem }];
  }
}

/** `line 3, column 5: "rules.x" must be … ` */
export function formatProblem(p: ConfigProblem): string {
  return `line ${p.line}, column ${p.column}: ${p.message}`;
}

/** One ConfigError for problems in any number of files (grouped by file, every problem listed). */
export function configErrorOf(problems: ConfigProblem[]): ConfigError {
  const byFile = new Map<string, ConfigProblem[]>();
  for (const p of problems) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  if (byFile.size === 1) {
    const [[file, ps]] = byFile;
    return new ConfigError(file, ps.length === 1 ? `${ps[0].message} (line ${ps[0].line}, column ${ps[0].column})` : '', ps);
  }
  const e = new ConfigError([...byFile.keys()].join(', '), '', problems);
  e.message = [...byFile].map(([f, ps]) => `invalid config ${f}:\n${ps.map(p => `  ${formatProblem(p)}`).join('\n')}`).join('\n');
  return e;
}

export function defaultConfig(root: string): ResolvedConfig {
  return { root, files: [], rules: {}, defaultTimeoutMs: 10000, browserCode: 'skip', include: [], exclude: [], defaultExcludes: true, maxFileSizeBytes: 1_000_000, ruleTimeBudgetMs: DEFAULT_RULE_TIME_BUDGET_MS, incidentsDir: '.incidents', configured: [], problems: [] };
}

/** Finds `.incident-lens.json` in `dir` or its ancestors. */
export function findConfigFile(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const f = path.join(d, CONFIG_FILE);
    if (isFile(f)) return f;
    if (path.dirname(d) === d) return undefined;
  }
}

function isFile(f: string): boolean {
  try { return fs.statSync(f).isFile(); } catch { return false; }
}

const SEVERITY_ALIASES: Record<string, Severity | 'off'> = { error: 'error', warning: 'warning', warn: 'warning', info: 'info', off: 'off' };

/** One config file's valid settings and its problems. */
export interface ConfigLayer {
  file: string;
  dir: string;
  root: boolean;
  values: Partial<Omit<ResolvedConfig, 'file' | 'files' | 'root' | 'configured' | 'problems'>>;
  problems: ConfigProblem[];
}

function schemaFor(knownRules: readonly string[]): SchemaNode {
  const rules = CONFIG_SCHEMA.properties!.rules;
  const known = rules.propertyNames?.enum ?? [];
  if (known.length === knownRules.length && knownRules.every(r => known.includes(r))) return CONFIG_SCHEMA;
  return { ...CONFIG_SCHEMA, properties: { ...CONFIG_SCHEMA.properties, rules: { ...rules, propertyNames: { enum: [...knownRules] } } } };
}

/** Parses and validates one config file's text; never throws (problems are returned, bad keys left out). */
export function parseConfigLayer(text: string, file: string, knownRules: readonly string[]): ConfigLayer {
  const abs = path.resolve(file);
  const layer: ConfigLayer = { file: abs, dir: path.dirname(abs), root: false, values: {}, problems: [] };
  const src = text.replace(/^\uFEFF/, '');
  const lineCol = (offset: number) => {
    const before = src.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - before.lastIndexOf('\n') };
  };
  const errors: ParseError[] = [];
  const raw: unknown = parseJsonc(src, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length) {
    // the first error only: the parser's recovery makes the next ones echoes of it
    const e = errors[0];
    layer.problems.push({ file: abs, path: '', ...lineCol(e.offset), message: `not valid JSON: ${syntaxMessage(printParseErrorCode(e.error))}` });
    return layer;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    layer.problems.push({ file: abs, path: '', line: 1, column: 1, message: 'the top level must be a JSON object' });
    return layer;
  }
  const tree = parseTree(src, [], { allowTrailingComma: true });
  const bad = validate(raw, schemaFor(knownRules));
  const badPaths = bad.map(p => p.path);
  for (const p of bad) {
    let node: JsonNode | undefined = tree && findNodeAtLocation(tree, p.path);
    if (node && p.key && node.parent?.type === 'property') node = node.parent.children?.[0];
    const label = p.key ? '' : p.path.length ? `"${p.path.map(String).join('.')}" ` : '';
    layer.problems.push({ file: abs, path: p.path.map(String).join('.'), ...lineCol(node?.offset ?? 0), message: label + p.message });
  }
  const ok = (...at: (string | number)[]) => !badPaths.some(b => at.every((k, i) => b[i] === k) || (b.length < at.length && b.every((k, i) => at[i] === k)));
  const obj = raw as Record<string, unknown>;
  const v = layer.values;
  if (obj.root === true && ok('root')) layer.root = true;
  if (obj.rules && typeof obj.rules === 'object' && !Array.isArray(obj.rules)) {
    const rules: Record<string, RuleSetting> = {};
    for (const [id, setting] of Object.entries(obj.rules as Record<string, unknown>)) {
      if (!ok('rules', id)) continue;
      const sev = typeof setting === 'string' ? setting : (setting as { severity: string }).severity;
      const norm = SEVERITY_ALIASES[sev];
      rules[id] = norm === 'off' ? { enabled: false } : { enabled: true, severity: norm };
    }
    v.rules = rules;
  }
  for (const k of ['defaultTimeoutMs', 'maxFileSizeBytes', 'ruleTimeBudgetMs'] as const) if (obj[k] !== undefined && ok(k)) v[k] = obj[k] as number;
  for (const k of ['include', 'exclude'] as const) {
    if (obj[k] === undefined || !ok(k)) continue;
    // a glob picomatch cannot take (too long, does not compile) would throw on every file: it is left out alone
    v[k] = (obj[k] as string[]).filter((glob, i) => {
      const problem = globProblem(glob);
      if (!problem) return true;
      const node: JsonNode | undefined = tree && findNodeAtLocation(tree, [k, i]);
      layer.problems.push({ file: abs, path: `${k}.${i}`, ...lineCol(node?.offset ?? 0), message: `"${k}.${i}" ${problem}` });
      return false;
    });
  }
  if (obj.defaultExcludes !== undefined && ok('defaultExcludes')) v.defaultExcludes = obj.defaultExcludes as boolean;
  if (obj.incidentsDir !== undefined && ok('incidentsDir')) v.incidentsDir = obj.incidentsDir as string;
  if (obj.browserCode !== undefined && ok('browserCode')) v.browserCode = parseBrowserCode(obj.browserCode);
  return layer;
}

/** Longest include/exclude glob accepted (picomatch itself refuses inputs over 65,536 characters). */
export const MAX_GLOB_LENGTH = 4096;

/** Why a glob cannot be used (too long, does not compile), or undefined. */
export function globProblem(glob: string): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH) return `is longer than ${MAX_GLOB_LENGTH} characters (${glob.length})`;
  try {
    picomatch.makeRe(glob, { dot: true });
    return undefined;
  } catch (e) {
    return `is not a valid glob (${(e as Error).message.split('\n')[0].slice(0, 120)})`;
  }
}

/** `browserCode` values: "skip" | "analyse" ("analyze" accepted); undefined for anything else. */
export function parseBrowserCode(v: unknown): 'skip' | 'analyse' | undefined {
  if (v === 'skip') return 'skip';
  if (v === 'analyse' || v === 'analyze') return 'analyse';
  return undefined;
}

function syntaxMessage(code: string): string {
  return ({
    InvalidSymbol: 'unexpected character', InvalidNumberFormat: 'invalid number', PropertyNameExpected: 'a property name (in double quotes) is expected',
    ValueExpected: 'a value is expected', ColonExpected: 'a colon is expected', CommaExpected: 'a comma is expected',
    CloseBraceExpected: 'a closing brace is expected', CloseBracketExpected: 'a closing bracket is expected', EndOfFileExpected: 'unexpected text after the end',
    InvalidCommentToken: 'invalid comment', UnexpectedEndOfComment: 'unterminated comment', UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number', InvalidUnicode: 'invalid unicode escape', InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in a string',
  } as Record<string, string>)[code] ?? code;
}

/** Parses and validates config text as the only config file; throws a ConfigError listing every problem. */
export function parseConfig(text: string, file: string, knownRules: readonly string[]): ResolvedConfig {
  const layer = parseConfigLayer(text, file, knownRules);
  if (layer.problems.length) throw configErrorOf(layer.problems);
  return mergeLayers([layer], layer.dir);
}

export function readConfigLayer(file: string, knownRules: readonly string[]): ConfigLayer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const abs = path.resolve(file);
    return { file: abs, dir: path.dirname(abs), root: true, values: {}, problems: [{ file: abs, path: '', line: 1, column: 1, message: `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }] };
  }
  return parseConfigLayer(text, file, knownRules);
}

export function loadConfig(file: string, knownRules: readonly string[]): ResolvedConfig {
  const layer = readConfigLayer(file, knownRules);
  if (layer.problems.length) throw configErrorOf(layer.problems);
  return mergeLayers([layer], layer.dir);
}

const posix = (p: string) => p.split(path.sep).join('/');
const globEscape = (s: string) => s.replace(/[*?[\]{}()!+@\\]/g, '\\$&');

/** Re-anchors a glob written relative to `dir` so that it is relative to `root` (an ancestor of dir). */
function rebase(glob: string, dir: string, root: string): string {
  const rel = posix(path.relative(root, dir));
  return rel ? `${globEscape(rel)}/${glob.replace(/^\.\//, '')}` : glob;
}

/** Merges layers (outermost first): the closer layer wins key by key; rules merge by id; excludes add up. */
export function mergeLayers(layers: ConfigLayer[], fallbackRoot: string): ResolvedConfig {
  const cfg = defaultConfig(layers.length ? layers[0].dir : path.resolve(fallbackRoot));
  const configured = new Set<ConfigKey>();
  for (const l of layers) {
    const v = l.values;
    cfg.files.push(l.file);
    cfg.problems.push(...l.problems);
    if (v.rules) { cfg.rules = { ...cfg.rules, ...v.rules }; configured.add('rules'); }
    for (const k of ['defaultTimeoutMs', 'maxFileSizeBytes', 'ruleTimeBudgetMs'] as const) if (v[k] !== undefined) { cfg[k] = v[k]!; configured.add(k); }
    if (v.defaultExcludes !== undefined) { cfg.defaultExcludes = v.defaultExcludes; configured.add('defaultExcludes'); }
    if (v.browserCode !== undefined) { cfg.browserCode = v.browserCode; configured.add('browserCode'); }
    if (v.include) { cfg.include = v.include.map(g => rebase(g, l.dir, cfg.root)); configured.add('include'); }
    if (v.exclude) { cfg.exclude = [...cfg.exclude, ...v.exclude.map(g => rebase(g, l.dir, cfg.root))]; configured.add('exclude'); }
    if (v.incidentsDir !== undefined) { cfg.incidentsDir = posix(path.relative(cfg.root, path.resolve(l.dir, v.incidentsDir))) || '.'; configured.add('incidentsDir'); }
  }
  cfg.file = layers.length ? layers[layers.length - 1].file : undefined;
  cfg.configured = [...configured];
  return cfg;
}

export interface ResolverOptions {
  /** Use only this config file for every file (the CLI's `--config`). */
  explicitFile?: string;
  /** Root of the default config when no config file applies (the CLI's cwd). */
  fallbackRoot?: string;
  /** Applied over every merged config (the CLI's --no-default-excludes). */
  overrides?: { defaultExcludes?: boolean };
}

/**
 * Config per file: the chain of `.incident-lens.json` from the file's directory up, merged (closer wins). Layers
 * and merged configs are cached, so files configured by the same chain share one ResolvedConfig object.
 */
export class ConfigResolver {
  private readonly layers = new Map<string, ConfigLayer>();
  private readonly byDir = new Map<string, ResolvedConfig>();
  private readonly byChain = new Map<string, ResolvedConfig>();

  constructor(readonly knownRules: readonly string[], readonly options: ResolverOptions = {}) {}

  forFile(file: string): ResolvedConfig {
    return this.forDir(path.dirname(path.resolve(file)));
  }

  /** `hasConfigFile`: the caller listed the directory and knows whether it holds a config file (saves a stat). */
  forDir(dir: string, hasConfigFile?: boolean): ResolvedConfig {
    const abs = path.resolve(dir);
    let c = this.byDir.get(abs);
    if (c) return c;
    const chain: ConfigLayer[] = [];
    if (this.options.explicitFile) chain.push(this.layer(path.resolve(this.options.explicitFile)));
    else {
      const parentDir = path.dirname(abs);
      const parent = parentDir !== abs ? this.forDir(parentDir) : undefined;
      const own = path.join(abs, CONFIG_FILE);
      if (hasConfigFile !== false && isFile(own)) {
        const l = this.layer(own);
        if (!l.root && parent) for (const f of parent.files) chain.push(this.layer(f));
        chain.push(l);
      } else if (parent) {
        this.byDir.set(abs, parent);
        return parent;
      }
    }
    const key = chain.map(l => l.file).join('\0');
    c = this.byChain.get(key);
    if (!c) {
      c = { ...mergeLayers(chain, this.options.fallbackRoot ?? abs), ...this.options.overrides };
      this.byChain.set(key, c);
    }
    this.byDir.set(abs, c);
    return c;
  }

  /** Every problem of every config file read so far. */
  problems(): ConfigProblem[] {
    return [...this.layers.values()].flatMap(l => l.problems);
  }

  private layer(file: string): ConfigLayer {
    let l = this.layers.get(file);
    if (!l) { l = readConfigLayer(file, this.knownRules); this.layers.set(file, l); }
    return l;
  }
}

const sharedResolvers = new WeakMap<object, ConfigResolver>();

/**
 * The resolver for a resolver spec (plain data, as ProjectOptions.nestedConfig carries it to worker threads): one per
 * spec object, so that the CLI's discovery and the file pass share their cache of config files.
 */
export function resolverFor(spec: ResolverOptions & { knownRules: readonly string[] }): ConfigResolver {
  let r = sharedResolvers.get(spec);
  if (!r) { r = new ConfigResolver(spec.knownRules, spec); sharedResolvers.set(spec, r); }
  return r;
}

/** The merged config of one file (a fresh lookup; keep a ConfigResolver to reuse it across files). */
export function configForFile(file: string, knownRules: readonly string[], options?: ResolverOptions): ResolvedConfig {
  return new ConfigResolver(knownRules, options).forFile(file);
}

/**
 * Config for a directory: the nearest `.incident-lens.json` chain, else defaults rooted at `dir`. Throws a
 * ConfigError listing every problem (the CLI's strictness); adapters that prefer to go on use ConfigResolver.
 */
export function resolveConfig(dir: string, knownRules: readonly string[], explicitFile?: string): ResolvedConfig {
  const c = new ConfigResolver(knownRules, { explicitFile, fallbackRoot: dir }).forDir(dir);
  if (c.problems.length) throw configErrorOf(c.problems);
  return c;
}
