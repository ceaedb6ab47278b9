/**
 * Command-line options: node:util parseArgs in its lenient mode (tokens), with the checks its strict mode would do
 * done here so that the messages are ours: an unknown option names the nearest known one (`--frmat` → `--format`),
 * `--no-<flag>` negates a negatable flag, a value may be negative (`--max-warnings -1`), a missing value is named.
 */
import { parseArgs } from 'util';
import { nearest } from '../core/schema-check';

export class UsageError extends Error {}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** `--no-<name>` sets it to false. */
  negatable?: boolean;
  /** Placeholder in help, e.g. `<file>`. */
  value?: string;
  /** A value may start with '-' when it is a number (`--max-warnings -1`). */
  numeric?: boolean;
  help: string;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

export function parseCommandArgs(args: string[], specs: Record<string, OptionSpec>, command: string): { values: Values; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, s] of Object.entries(specs)) {
    options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) };
    if (s.negatable) options[`no-${name}`] = { type: 'boolean' };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const values: Values = {};
  const positionals: string[] = [];
  const known = Object.entries(specs).flatMap(([n, s]) => [`--${n}`, ...(s.negatable ? [`--no-${n}`] : []), ...(s.short ? [`-${s.short}`] : [])]);
  for (const t of parsed.tokens ?? []) {
    if (t.kind === 'positional') { positionals.push(t.value); continue; }
    if (t.kind === 'option-terminator') continue;
    const negated = t.name.startsWith('no-') && specs[t.name.slice(3)]?.negatable;
    const name = negated ? t.name.slice(3) : t.name;
    const spec = specs[name];
    if (!spec) {
      const hint = nearest(t.rawName, known.filter(k => k.startsWith('--') === t.rawName.startsWith('--')));
      throw new UsageError(`unknown option ${t.rawName} for \`${command}\`${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
    if (spec.type === 'boolean' || negated) {
      if (t.value !== undefined) throw new UsageError(`${t.rawName} does not take a value (got "${t.value}")`);
      values[name] = !negated;
      continue;
    }
    let v = t.value;
    // parseArgs (lenient) takes the next argument as the value even when it is an option: only numbers may start with '-'
    if (v === undefined || (!t.inlineValue && v.startsWith('-') && !(spec.numeric && /^-\d+$/.test(v)))) {
      throw new UsageError(`${t.rawName} needs a value${spec.value ? ` ${spec.value}` : ''}${v !== undefined ? ` (got the option ${v}; write ${t.rawName}=${v} if that is the value)` : ''}`);
    }
    if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), v];
    else values[name] = v;
  }
  return { values, positionals };
}

/** Help lines for options: `  -f, --format <fmt>   text`. */
export function optionsHelp(specs: Record<string, OptionSpec>): string {
  const rows = Object.entries(specs).map(([n, s]) => [
    `${s.short ? `-${s.short}, ` : '    '}--${s.negatable ? `[no-]${n}` : n}${s.value ? ` ${s.value}` : ''}`, s.help,
  ]);
  const w = Math.max(...rows.map(r => r[0].length)) + 2;
  return rows.map(([a, b]) => `  ${a.padEnd(w)}${b}`).join('\n');
}
