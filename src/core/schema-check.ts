/**
 * A small JSON Schema validator for the config schema (schemas/incident-lens.schema.json), the same file VS Code
 * uses through `contributes.jsonValidation`. It supports exactly the keywords that schema uses and throws on any
 * other (so the schema cannot grow a keyword that the CLI would silently ignore); test/core/config.test.ts checks
 * its verdicts against ajv on a table of configs. Why not ajv at runtime: it compiles validators with `new Function`,
 * adds ~120 KB to the bundle, and its messages ("must be equal to one of the allowed values") need rewriting anyway
 * to name the key, the value and the nearest valid spelling.
 */

export interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  required?: string[];
  items?: SchemaNode;
  minimum?: number;
  minLength?: number;
  anyOf?: SchemaNode[];
  $ref?: string;
  definitions?: Record<string, SchemaNode>;
  [annotation: string]: unknown;
}

/** A problem at a JSON path (keys; array indices as numbers). `key`: the problem is the key itself (unknown key). */
export interface SchemaProblem { path: (string | number)[]; message: string; key?: boolean }

const SUPPORTED = new Set(['type', 'enum', 'properties', 'additionalProperties', 'propertyNames', 'required', 'items', 'minimum', 'minLength', 'anyOf', '$ref', 'definitions']);
const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'markdownDescription', 'default', 'examples', 'allowComments', 'allowTrailingCommas', 'deprecationMessage']);

/** Throws when the schema uses a keyword this validator does not implement. */
export function assertSupportedSchema(s: SchemaNode, where = '#'): void {
  for (const [k, v] of Object.entries(s)) {
    if (ANNOTATIONS.has(k)) continue;
    if (!SUPPORTED.has(k)) throw new Error(`config schema: unsupported keyword "${k}" at ${where}`);
    if (k === 'properties' || k === 'definitions') for (const [n, sub] of Object.entries(v as Record<string, SchemaNode>)) assertSupportedSchema(sub, `${where}/${k}/${n}`);
    else if (k === 'anyOf') (v as SchemaNode[]).forEach((sub, i) => assertSupportedSchema(sub, `${where}/anyOf/${i}`));
    else if ((k === 'items' || k === 'propertyNames' || k === 'additionalProperties') && typeof v === 'object') assertSupportedSchema(v as SchemaNode, `${where}/${k}`);
  }
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(want: string, v: unknown): boolean {
  const t = jsonType(v);
  return want === t || (want === 'number' && t === 'integer');
}

const show = (v: unknown) => JSON.stringify(v);

/** Levenshtein distance (small strings). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a third of the word's length (at least 2 edits), or undefined. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined, bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

const didYouMean = (v: unknown, options: unknown[]) => {
  if (typeof v !== 'string') return '';
  const n = nearest(v, options.filter((o): o is string => typeof o === 'string'));
  return n ? `; did you mean ${show(n)}?` : '';
};

function describeType(s: SchemaNode, root: SchemaNode): string {
  const r = deref(s, root);
  if (r.anyOf) return r.anyOf.map(x => describeType(x, root)).join(' or ');
  if (r.enum) return `one of ${r.enum.map(show).join(', ')}`;
  const t = Array.isArray(r.type) ? r.type.join(' or ') : r.type;
  if (t === 'array' && r.items) {
    const it = deref(r.items, root);
    return `an array of ${it.enum ? 'values' : `${it.type ?? 'value'}s`}`;
  }
  if (t === 'object') return r.properties && r.required?.length ? `an object { ${r.required.map(k => `"${k}": …`).join(', ')} }` : 'an object';
  const article = t && /^[aeiou]/.test(t) ? 'an' : 'a';
  const min = r.minimum !== undefined ? ` ≥ ${r.minimum}` : r.minLength === 1 ? ' (not empty)' : '';
  return t ? `${t === 'boolean' ? 'true or false' : `${article} ${t}`}${min}` : 'valid';
}

function deref(s: SchemaNode, root: SchemaNode): SchemaNode {
  let r = s;
  for (let i = 0; r.$ref && i < 20; i++) {
    const m = /^#\/definitions\/(.+)$/.exec(r.$ref);
    const target = m && root.definitions?.[m[1]];
    if (!target) throw new Error(`config schema: unresolvable $ref ${r.$ref}`);
    const { $ref: _r, ...rest } = r;
    r = { ...target, ...rest };
  }
  return r;
}

/** Validates `value` against `schema`, returning every problem (not just the first). */
export function validate(value: unknown, schema: SchemaNode, root: SchemaNode = schema, at: (string | number)[] = []): SchemaProblem[] {
  const s = deref(schema, root);
  const out: SchemaProblem[] = [];
  if (s.anyOf) {
    const branches = s.anyOf.map(b => validate(value, b, root, at));
    if (branches.some(b => !b.length)) return out;
    // the branch of the value's own type explains the problem best; else name the accepted shapes
    const sameType = s.anyOf.findIndex(b => { const d = deref(b, root); return d.type !== undefined && (Array.isArray(d.type) ? d.type : [d.type]).some(t => typeMatches(t, value)); });
    if (sameType >= 0) return branches[sameType];
    return [{ path: at, message: `must be ${describeType(s, root)} (got ${show(value)})` }];
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some(t => typeMatches(t, value))) return [{ path: at, message: `must be ${describeType(s, root)} (got ${show(value)})` }];
  }
  if (s.enum && !s.enum.some(e => e === value)) {
    out.push({ path: at, message: `must be one of ${s.enum.map(show).join(', ')} (got ${show(value)}${didYouMean(value, s.enum)})` });
  }
  if (typeof value === 'number' && s.minimum !== undefined && value < s.minimum) out.push({ path: at, message: `must be ${describeType(s, root)} (got ${show(value)})` });
  if (typeof value === 'string' && s.minLength !== undefined && value.length < s.minLength) out.push({ path: at, message: `must not be empty` });
  if (Array.isArray(value) && s.items) value.forEach((v, i) => out.push(...validate(v, s.items!, root, [...at, i])));
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props = s.properties ?? {};
    for (const r of s.required ?? []) if (!(r in obj)) out.push({ path: at, message: `needs the key ${show(r)}` });
    for (const [k, v] of Object.entries(obj)) {
      const names = s.propertyNames ? deref(s.propertyNames, root) : undefined;
      if (names?.enum && !names.enum.includes(k)) {
        out.push({ path: [...at, k], key: true, message: `unknown ${at.length ? `${String(at[at.length - 1]).replace(/s$/, '')} ` : 'key '}${show(k)}${didYouMean(k, names.enum) || ` (known: ${names.enum.join(', ')})`}` });
        continue;
      }
      if (props[k]) { out.push(...validate(v, props[k], root, [...at, k])); continue; }
      if (s.additionalProperties === false) {
        out.push({ path: [...at, k], key: true, message: `unknown key ${show(k)}${didYouMean(k, Object.keys(props).filter(p => p !== '$schema')) || ` (known: ${Object.keys(props).filter(p => p !== '$schema').join(', ')})`}` });
      } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        out.push(...validate(v, s.additionalProperties, root, [...at, k]));
      }
    }
  }
  return out;
}
