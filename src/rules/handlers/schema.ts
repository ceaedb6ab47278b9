/**
 * Unique natural keys declared in the project's schema files (issue 14, tuning class "unique constraint in the
 * schema"): a Drizzle table with `unique(...).on(...)` / `uniqueIndex(...).on(...)` / a composite `primaryKey({ columns
 * })` / a column's `.unique()`, a Mongoose schema with `x.index({ a: 1, b: 1 }, { unique: true })` or a field `{ unique:
 * true }`, an index spec `{ fields: { ... }, unique: true }`, a TypeORM `@Unique(...)` / `@Index([...], { unique: true
 * })`. A retried create of such a row with the same key fails the unique insert instead of adding a second row: the
 * database is the dedup. A key that is only an id or a generated value (`$defaultFn(() => nanoid())`, `default:
 * uuid`) dedups nothing and does not count.
 *
 * Each schema file records one project fact per model it declares with such a key (`nih.unique:<model>`, the model
 * normalised as in guards.ts `normModel`); the project pass asks `ProjectView.hasFact` for the model an insert names.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Node } from '../../core/parser';
import type { RuleContext } from '../../core/rule';
import { normModel } from './guards';
import { normColumn } from './effects';

export const UNIQUE_FACT = 'nih.unique:';
/** One natural key of a model: `nih.ukey:<model>:<column>+<column>` (columns normalised by `normColumn`, sorted). */
export const UKEY_FACT = 'nih.ukey:';

/** The fact naming one natural key of a model. */
export const ukeyFact = (model: string, cols: string[]): string => UKEY_FACT + model + ':' + [...new Set(cols.map(normColumn))].sort().join('+');

/** A file that may declare a unique key (the rule's triggers include it). */
export const UNIQUE_TRIGGER = /\bunique(?:Index)?\s*\(|\bunique\s*:\s*true\b|@Unique\s*\(|\bprimaryKey\s*\(\s*\{/;

/** `export const tags = pgTable('tag', ...)`, `sqliteTable(`, `mysqlTable(`, `schema.table(`: variable, table name. */
const DRIZZLE_TABLE = /\b(?:const|let|var)\s+([\w$]+)\s*=\s*(?:[\w$]+\.)?(?:pgTable|mysqlTable|sqliteTable|table)\s*(?:<[^>]*>)?\s*\(\s*['"`]([\w.]+)['"`]/g;
/** A table-level key: `unique('name').on(t.a, t.b)`, `uniqueIndex('x').on(...)`, `primaryKey({ columns: [t.a, t.b] })`. */
const DRIZZLE_KEY = /\b(?:unique|uniqueIndex)\s*\([^)]*\)\s*\.\s*on\s*\(([^)]*)\)(?!\s*\.\s*where\b)|\bprimaryKey\s*\(\s*\{\s*columns\s*:\s*\[([^\]]*)\]/g;
/** A column-level `.unique()`. */
const DRIZZLE_COLUMN_UNIQUE = /\.\s*unique\s*\(\s*(?:['"`][^'"`]*['"`]\s*)?\)/g;
/** The start of a column entry in a table's column object: `  name: text('name')`. */
const COLUMN_START = /\n\s*['"]?([\w$]+)['"]?\s*:/g;
/** Values a database or the code generates: a key holding one dedups nothing. */
const GENERATED = /\$defaultFn|defaultRandom|\bdefault\s*\(\s*sql|gen_random_uuid|\buuid\w*\s*\(|\bnanoid\b|\bcuid\w*\b|\bcreateId\b|\brandom\w*|\bulid\b|\bObjectId\b|Date\.now|\bdefault\s*:\s*(?:\(\)\s*=>|[\w$.]*(?:uuid|nanoid|random|generate)\w*)/i;
/** Id-like keys: unique anyway, and usually generated. */
const ID_FIELD = /^_?(id|uuid|uid|guid)$/i;
/** Names of a unique column that usually holds a generated value (an API key, a token): not a natural key alone. */
const GENERATED_FIELD = /(?:^_?|[a-z])(token|hash|identifier|key|secret|code|slug)$/i;
/** Fields a create computes anew each time (the next version, a position, a timestamp): a key holding one is fresh on a retry. */
const FRESH_FIELD = /(version|revision|seq|sequence|number|position|order|index|counter|count|createdAt|created_at|timestamp|date|time)$/i;

/** Mongoose / Sequelize / GrowthBook / TypeORM model names a file declares. */
const MODEL_NAME = /\bmodel\s*(?:<[^>]*>)?\s*\(\s*['"`]([\w$]+)['"`]|\b(?:collectionName|modelName|tableName)\s*:\s*['"`]([\w$]+)['"`]|\bdefine\s*\(\s*['"`]([\w$]+)['"`]|@Entity\s*\([^)]*\)\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([\w$]+)/g;
const UNIQUE_TRUE = /\bunique\s*:\s*true\b/g;

function enclosing(n: Node | null, type: string, limit = 8): Node | null {
  for (let i = 0; n && i < limit; i++, n = n.parent) if (n.type === type) return n;
  return null;
}

/** The keys of an object literal (`{ organization: 1, key: 1 }`). */
function keysOf(obj: Node | null | undefined): string[] {
  if (obj?.type !== 'object') return [];
  const out: string[] = [];
  for (const p of obj.namedChildren) {
    if (p?.type !== 'pair') continue;
    const k = p.childForFieldName('key');
    if (k) out.push(k.text.replace(/^['"`]|['"`]$/g, ''));
  }
  return out;
}

/**
 * A key the request itself determines: every field is a natural one (an id or a generated value in the key makes each
 * create's key fresh, and so does a version, position or timestamp; a lone `key`/`token`/`identifier` column is
 * usually generated).
 */
const naturalKey = (fields: string[]) => fields.length > 0 && fields.every(f => {
  const n = f.replace(/^['"`]|['"`]$/g, '').split('.').pop()!;
  return !ID_FIELD.test(n) && !FRESH_FIELD.test(n) && !(fields.length === 1 && GENERATED_FIELD.test(n));
});
/** A partial or sparse index holds only some rows: no key for the rest. */
const PARTIAL = /partialFilterExpression|\bsparse\s*:\s*true|\bwhere\s*:/;

/**
 * The fields of the key a `unique: true` belongs to, or undefined when not a key this module reads (or a generated
 * one); also the schema variable it was declared on (`workflowOverrideSchema.index(...)`).
 */
function keyOfUniqueTrue(ctx: RuleContext, at: number): { fields: string[]; schema?: string } | undefined {
  const pair = enclosing(ctx.root.descendantForIndex(at, at), 'pair', 3);
  const obj = pair?.parent;
  if (obj?.type !== 'object') return undefined;
  // an index spec with its fields: `{ fields: { organization: 1, key: 1 }, unique: true }`
  for (const p of obj.namedChildren) {
    if (p?.type === 'pair' && /^['"]?fields['"]?$/.test(p.childForFieldName('key')?.text ?? '')) return PARTIAL.test(obj.text) ? undefined : { fields: keysOf(p.childForFieldName('value')) };
  }
  const parent = obj.parent;
  // `schema.index({ a: 1, b: 1 }, { unique: true })`
  if (parent?.type === 'arguments') {
    const call = parent.parent;
    const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    const args = parent.namedChildren;
    if (fn?.type === 'member_expression' && /^(index|createIndex)$/.test(fn.childForFieldName('property')?.text ?? '') && args[1]?.startIndex === obj.startIndex) {
      if (PARTIAL.test(obj.text)) return undefined;
      return { fields: keysOf(args[0]), schema: fn.childForFieldName('object')?.text };
    }
    // TypeORM `@Index(['a', 'b'], { unique: true })`
    if (call?.type === 'call_expression' && fn?.text === 'Index' && args[0]?.type === 'array') {
      return { fields: args[0].namedChildren.map(a => (a?.text ?? '').replace(/^['"`]|['"`]$/g, '')) };
    }
    // TypeORM `@Column({ unique: true })` on the property that follows
    if (call?.type === 'call_expression' && /^(Column|Prop)$/.test(fn?.text ?? '')) {
      const field = enclosing(call, 'public_field_definition', 4)?.childForFieldName('name')?.text;
      if (!field || GENERATED.test(obj.text)) return undefined;
      return { fields: [field] };
    }
    return undefined;
  }
  // a field definition: `email: { type: String, unique: true }`
  if (parent?.type === 'pair') {
    if (GENERATED.test(obj.text)) return undefined;
    return { fields: [(parent.childForFieldName('key')?.text ?? '').replace(/^['"`]|['"`]$/g, '')] };
  }
  return undefined;
}

/** The natural unique keys a Drizzle table's call text declares (their columns). */
function drizzleKeys(text: string): string[][] {
  const keys: string[][] = [];
  for (const m of text.matchAll(DRIZZLE_KEY)) {
    const cols = (m[1] ?? m[2] ?? '').split(',').map(c => c.trim().split('.').pop() ?? '').filter(Boolean);
    // a composite primary key is a natural key; a single-column one is the id
    if (m[2] !== undefined ? cols.length >= 2 && naturalKey(cols) : naturalKey(cols)) keys.push(cols);
  }
  if (!text.includes('unique')) return keys;
  const starts = [...text.matchAll(COLUMN_START)].map(m => ({ at: m.index!, name: m[1] }));
  for (const m of text.matchAll(DRIZZLE_COLUMN_UNIQUE)) {
    let col: { at: number; name: string } | undefined;
    let next = text.length;
    for (const s of starts) { if (s.at < m.index!) col = s; else { next = s.at; break; } }
    if (!col) continue;
    const entry = text.slice(col.at, next);
    if (naturalKey([col.name]) && !GENERATED.test(entry)) keys.push([col.name]);
  }
  return keys;
}

/** The models this file declares with a natural unique key (normalised), each with its keys' columns. */
export function uniqueModels(ctx: RuleContext): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  if (!UNIQUE_TRIGGER.test(ctx.text)) return out;
  const add = (name: string | undefined, keys: string[][]) => {
    const n = normModel(name);
    if (n) out.set(n, [...(out.get(n) ?? []), ...keys]);
  };
  // Drizzle: per table, from the table call's own text
  for (const m of ctx.matchAll(DRIZZLE_TABLE)) {
    const at = m.index! + m[0].lastIndexOf('(');
    const call = enclosing(ctx.root.descendantForIndex(at, at), 'call_expression', 3);
    const keys = call ? drizzleKeys(call.text) : [];
    if (!keys.length) continue;
    add(m[1], keys);
    add(m[2].split('.').pop(), keys);
  }
  // Mongoose, Sequelize, GrowthBook-style model classes, TypeORM: a natural key anywhere in the file counts for the
  // models the file declares (one per file, as these projects write them)
  const keys: string[][] = [];
  for (const m of ctx.text.matchAll(/@Unique\s*\(\s*(?:['"`][\w]+['"`]\s*,\s*)?\[\s*(['"`][^\]]*)\]/g)) {
    keys.push(m[1].split(',').map(c => c.trim().replace(/^['"`]|['"`]$/g, '')).filter(Boolean));
  }
  const schemas: string[] = [];
  for (const m of ctx.matchAll(UNIQUE_TRUE)) {
    ctx.checkDeadline();
    const k = keyOfUniqueTrue(ctx, m.index!);
    if (!k || !naturalKey(k.fields)) continue;
    keys.push(k.fields);
    if (k.schema) schemas.push(k.schema.replace(/Schema$/, ''));
  }
  if (!keys.length) return out;
  for (const s of schemas) add(s, keys);
  for (const m of ctx.matchAll(MODEL_NAME)) add(m[1] ?? m[2] ?? m[3] ?? m[4], keys);
  return out;
}

// ---- Prisma schemas (`.prisma` files are not analysed sources: read from the project's package directories)

/** Where a package keeps its Prisma schema: `prisma/schema.prisma`, `schema.prisma`, or a `prisma/schema/` folder. */
function prismaFiles(dir: string): string[] {
  const out: string[] = [];
  // package.json `"prisma": { "schema": "tools/prisma/schema.prisma" }` (Prisma's documented override)
  let declared: string | undefined;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { prisma?: { schema?: unknown } };
    if (typeof pkg.prisma?.schema === 'string') declared = path.join(dir, pkg.prisma.schema);
  } catch { /* no package.json */ }
  for (const f of [...(declared ? [declared] : []), path.join(dir, 'prisma', 'schema.prisma'), path.join(dir, 'schema.prisma')]) {
    try { if (fs.statSync(f).isFile()) out.push(f); } catch { /* absent */ }
  }
  try {
    const folder = path.join(dir, 'prisma', 'schema');
    for (const n of fs.readdirSync(folder)) if (n.endsWith('.prisma')) out.push(path.join(folder, n));
  } catch { /* absent */ }
  return out;
}

const PRISMA_MODEL = /^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm;
const PRISMA_BLOCK_KEY = /@@(unique|id)\s*\(\s*(?:fields\s*:\s*)?\[([^\]]*)\]/g;

/** The models of a Prisma schema's text with a natural unique key, normalised (same tests as the TypeScript schemas), with their keys. */
export function prismaUniqueModels(text: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const m of text.matchAll(PRISMA_MODEL)) {
    const body = m[2].replace(/\/\/[^\n]*/g, '');
    // optional fields: NULLs are distinct in a unique key, so a key with a nullable field stops no duplicate
    const optional = new Set([...body.matchAll(/^\s*(\w+)\s+\w+\?/gm)].map(f => f[1]));
    const keys: string[][] = [];
    for (const k of body.matchAll(PRISMA_BLOCK_KEY)) {
      const fields = k[2].split(',').map(f => f.trim().replace(/\(.*$/, '')).filter(Boolean);
      if ((k[1] === 'unique' || fields.length >= 2) && naturalKey(fields) && !fields.some(f => optional.has(f))) keys.push(fields);
    }
    {
      // foreign keys (`@relation(fields: [userId], ...)`): one row per parent is a natural key; another `xId` column
      // (`friendlyId`, `externalId`) holds a generated id
      const relations = new Set([...body.matchAll(/@relation\([^)]*fields\s*:\s*\[([^\]]*)\]/g)].flatMap(r => r[1].split(',').map(x => x.trim())));
      for (const line of body.split('\n')) {
        // `email String @unique`; a defaulted value (`@default(cuid())`, `@default(now())`) is generated
        const f = /^\s*(\w+)\s+\w+(?:\[\])?\s.*@unique\b/.exec(line);
        if (!f || /@default\s*\(/.test(line) || (/(?:Id|_id)$/.test(f[1]) && !relations.has(f[1]))) continue;
        if (naturalKey([f[1]])) keys.push([f[1]]);
      }
    }
    const n = keys.length ? normModel(m[1]) : undefined;
    if (n) out.set(n, [...(out.get(n) ?? []), ...keys]);
  }
  return out;
}

/** Where a package keeps its Drizzle schema: `schema.ts`, `src/schema.ts`, `src/db/schema.ts`, `db/schema.ts`, or a `schema/` folder. */
function drizzleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const base of ['', 'src', 'src/db', 'db']) {
    const f = path.join(dir, base, 'schema.ts');
    try { if (fs.statSync(f).isFile()) out.push(f); } catch { /* absent */ }
    try {
      const folder = path.join(dir, base, 'schema');
      for (const n of fs.readdirSync(folder)) if (/\.ts$/.test(n) && !/\.(test|spec|d)\.ts$/.test(n)) out.push(path.join(folder, n));
    } catch { /* absent */ }
  }
  return out;
}

/** The text of a call from its `(` to the matching `)` (strings skipped roughly), for schema files read as text. */
function callTextFrom(text: string, open: number): string {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length && i < open + 200_000; i++) {
    const ch = text[i];
    if (quote) { if (ch === '\\') i++; else if (ch === quote) quote = ''; continue; }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open, open + 20_000);
}

/**
 * The Drizzle tables with a natural unique key in a schema file read as text (a workspace package that is not analysed,
 * such as a `packages/db` the run leaves out), keyed like `uniqueModels` (variable and table name).
 */
export function drizzleUniqueModels(text: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  if (!UNIQUE_TRIGGER.test(text)) return out;
  for (const m of text.matchAll(DRIZZLE_TABLE)) {
    const keys = drizzleKeys(callTextFrom(text, m.index! + m[0].lastIndexOf('(')));
    if (!keys.length) continue;
    for (const n of new Set([normModel(m[1]), normModel(m[2].split('.').pop())])) if (n) out.set(n, [...(out.get(n) ?? []), ...keys]);
  }
  return out;
}

/**
 * The models with a natural unique key in the Prisma schemas, and the Drizzle schema files, of these package
 * directories (read once per set), with their keys.
 */
export function prismaUniques(dirs: readonly string[]): ReadonlyMap<string, string[][]> {
  const out = new Map<string, string[][]>();
  const seen = new Set<string>();
  for (const d of dirs) {
    for (const f of prismaFiles(d)) {
      if (seen.has(f)) continue;
      seen.add(f);
      let text = '';
      try { text = fs.readFileSync(f, 'utf8'); } catch { continue; }
      if (text.length > 4_000_000) continue;
      for (const [n, keys] of prismaUniqueModels(text)) out.set(n, [...(out.get(n) ?? []), ...keys]);
    }
    for (const f of drizzleFiles(d)) {
      if (seen.has(f)) continue;
      seen.add(f);
      let text = '';
      try { text = fs.readFileSync(f, 'utf8'); } catch { continue; }
      if (text.length > 4_000_000) continue;
      for (const [n, keys] of drizzleUniqueModels(text)) out.set(n, [...(out.get(n) ?? []), ...keys]);
    }
  }
  return out;
}
