/**
 * Project config file `.incident-lens.json`, read identically by the CLI and the extension.
 * {
 *   "rules": { "missing-timeout": "error" | "warning" | "warn" | "info" | "off" | { "severity": "error" } },
 *   "defaultTimeoutMs": 10000,
 *   "browserCode": "skip",            // "analyse": missing-timeout also judges browser-only code
 *   "include": ["src/**"], "exclude": ["legacy/**"],
 *   "defaultExcludes": true,          // tests, fixtures, node_modules, dist, build, minified
 *   "maxFileSizeBytes": 1000000,
 *   "incidentsDir": ".incidents"      // team postmortems merged into the knowledge base
 * }
 */
import * as fs from 'fs';
import * as path from 'path';
import type { RuleSetting } from './analyzer';
import type { Severity } from './types';

export const CONFIG_FILE = '.incident-lens.json';

export interface ResolvedConfig {
  /** Absolute path of the config file, or undefined when defaults are used. */
  file?: string;
  /** Directory globs are relative to. */
  root: string;
  rules: Record<string, RuleSetting>;
  defaultTimeoutMs: number;
  /** 'analyse' turns missing-timeout back on for browser-only code (RULES v2); default 'skip'. */
  browserCode: 'skip' | 'analyse';
  include: string[];
  exclude: string[];
  defaultExcludes: boolean;
  maxFileSizeBytes: number;
  incidentsDir: string;
}

export class ConfigError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`invalid config ${file}: ${problem}`);
  }
}

export function defaultConfig(root: string): ResolvedConfig {
  return { root, rules: {}, defaultTimeoutMs: 10000, browserCode: 'skip', include: [], exclude: [], defaultExcludes: true, maxFileSizeBytes: 1_000_000, incidentsDir: '.incidents' };
}

/** Finds `.incident-lens.json` in `dir` or its ancestors. */
export function findConfigFile(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const f = path.join(d, CONFIG_FILE);
    if (fs.existsSync(f)) return f;
    if (path.dirname(d) === d) return undefined;
  }
}

const KNOWN_KEYS = new Set(['$schema', 'rules', 'defaultTimeoutMs', 'browserCode', 'include', 'exclude', 'defaultExcludes', 'maxFileSizeBytes', 'incidentsDir']);
const SEVERITY_ALIASES: Record<string, Severity | 'off'> = { error: 'error', warning: 'warning', warn: 'warning', info: 'info', off: 'off' };

/** Parses and validates config text. `knownRules` are the rule ids a `rules` key may name. */
export function parseConfig(text: string, file: string, knownRules: readonly string[]): ResolvedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    let where = '';
    if (m) {
      const before = text.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${Number(m[1]) - before.lastIndexOf('\n')}`;
    }
    throw new ConfigError(file, `not valid JSON${where} (${msg.replace(/^.*?: /, '').replace(/ in JSON at position \d+.*$/, '')})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(file, 'the top level must be a JSON object');
  const obj = raw as Record<string, unknown>;
  const cfg = defaultConfig(path.dirname(path.resolve(file)));
  cfg.file = path.resolve(file);
  for (const k of Object.keys(obj)) {
    if (!KNOWN_KEYS.has(k)) throw new ConfigError(file, `unknown key "${k}" (known: ${[...KNOWN_KEYS].filter(x => x !== '$schema').join(', ')})`);
  }
  if (obj.rules !== undefined) {
    if (!obj.rules || typeof obj.rules !== 'object' || Array.isArray(obj.rules)) throw new ConfigError(file, '"rules" must be an object mapping rule ids to a severity or "off"');
    for (const [id, v] of Object.entries(obj.rules as Record<string, unknown>)) {
      if (!knownRules.includes(id)) throw new ConfigError(file, `"rules" names an unknown rule "${id}" (known: ${knownRules.join(', ')})`);
      const sev = typeof v === 'string' ? v : v && typeof v === 'object' && !Array.isArray(v) ? (v as { severity?: unknown }).severity : undefined;
      const norm = typeof sev === 'string' ? SEVERITY_ALIASES[sev] : undefined;
      if (!norm) throw new ConfigError(file, `"rules.${id}" must be one of "off", "info", "warning", "error" or { "severity": ... } (got ${JSON.stringify(v)})`);
      cfg.rules[id] = norm === 'off' ? { enabled: false } : { enabled: true, severity: norm };
    }
  }
  const num = (k: string, min: number): number | undefined => {
    if (obj[k] === undefined) return undefined;
    if (typeof obj[k] !== 'number' || !Number.isFinite(obj[k]) || (obj[k] as number) < min) throw new ConfigError(file, `"${k}" must be a number ≥ ${min} (got ${JSON.stringify(obj[k])})`);
    return obj[k] as number;
  };
  cfg.defaultTimeoutMs = num('defaultTimeoutMs', 1) ?? cfg.defaultTimeoutMs;
  cfg.maxFileSizeBytes = num('maxFileSizeBytes', 1) ?? cfg.maxFileSizeBytes;
  for (const k of ['include', 'exclude'] as const) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some(x => typeof x !== 'string' || !x)) throw new ConfigError(file, `"${k}" must be an array of glob strings (got ${JSON.stringify(v)})`);
    cfg[k] = v as string[];
  }
  if (obj.defaultExcludes !== undefined) {
    if (typeof obj.defaultExcludes !== 'boolean') throw new ConfigError(file, `"defaultExcludes" must be true or false (got ${JSON.stringify(obj.defaultExcludes)})`);
    cfg.defaultExcludes = obj.defaultExcludes;
  }
  if (obj.browserCode !== undefined) {
    const v = parseBrowserCode(obj.browserCode);
    if (!v) throw new ConfigError(file, `"browserCode" must be "skip" or "analyse" (got ${JSON.stringify(obj.browserCode)})`);
    cfg.browserCode = v;
  }
  if (obj.incidentsDir !== undefined) {
    if (typeof obj.incidentsDir !== 'string' || !obj.incidentsDir) throw new ConfigError(file, `"incidentsDir" must be a non-empty string (got ${JSON.stringify(obj.incidentsDir)})`);
    cfg.incidentsDir = obj.incidentsDir;
  }
  return cfg;
}

/** `browserCode` values: "skip" | "analyse" ("analyze" accepted); undefined for anything else. */
export function parseBrowserCode(v: unknown): 'skip' | 'analyse' | undefined {
  if (v === 'skip') return 'skip';
  if (v === 'analyse' || v === 'analyze') return 'analyse';
  return undefined;
}

export function loadConfig(file: string, knownRules: readonly string[]): ResolvedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseConfig(text, file, knownRules);
}

/** Config for a directory: the nearest `.incident-lens.json`, else defaults rooted at `dir`. */
export function resolveConfig(dir: string, knownRules: readonly string[], explicitFile?: string): ResolvedConfig {
  const file = explicitFile ?? findConfigFile(dir);
  return file ? loadConfig(file, knownRules) : defaultConfig(path.resolve(dir));
}
