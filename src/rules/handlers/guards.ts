/**
 * Idempotency guards for non-idempotent-handler, recognised on a function's text (comments stripped): they take too
 * many shapes to match as trees. A guard found in the handler covers every effect it reaches; a guard found in a
 * function on the call path to an effect covers that effect (RULES.md v2: guards seen anywhere on the path).
 *
 * The state is plain JSON (`GuardFact`) so it can sit in a function's summary and be composed in the project pass.
 */

/** A function's (or a handler's) guard state, JSON. */
export interface GuardFact {
  /** idempotency key, message/event-id dedup, unique-violation handling, idempotency middleware: guards everything. */
  key?: 1;
  /**
   * unique-violation handling (`P2002`, `23505`, ...): guards everything like `key`, except an insert of a model whose
   * schema keys are known and which the insert does not determine (settle.ts drops it for that insert).
   */
  uv?: 1;
  /** upserts / conflict clauses: guard inserts and sends, not increments. */
  upsert?: 1;
  /** compare-and-set update (`where: { id, status: 'PENDING' }`) or a state re-check that returns/throws: guards everything after it. */
  state?: 1;
  /** a state precondition (`if (x.status !== 'PENDING') throw`) whose write is not in the same function: guards only as an assert*-style check the handler calls first. */
  check?: 1;
  /**
   * models whose existence stops the work or selects the other branch (`if (user !== null) throw`, `if (existing) {
   * update } else { create ... }`): when the handler also inserts that model, a retry finds the row and skips the
   * rest, so the function's effects and its callees' are covered.
   */
  stop?: string[];
  /** models whose rows the function deletes before writing them again (`deleteMany` then `create`: a replace that converges). */
  repl?: string[];
  /** models looked up with an existence check (`findUnique` / `findTopicByKey` + `if (found) return`), normalised. */
  look?: string[];
  /**
   * the function hands a job id or another dedup option to a call (`triggerJob(name, payload, queue, { jobId })`): it
   * keys an enqueue that a job-client wrapper forwards from its parameter (EffectFact.pk; settle.ts)
   */
  jid?: 1;
}

/** A dedup option handed to a call: `{ jobId: ... }`, `{ jobId }`, `deduplication: { id }`, `jobKey: ...`. */
const JOB_KEY_OPTION = /\b(?:jobId|jobKey|deduplication\w*|singletonKey|uniqueKey|dedupe\w*|repeatJobKey)\s*[:,}]/;
/** An object destructuring pattern on the left of an assignment: `{ jobId: rawJobId } =`. */
const DESTRUCTURING = /\{[^{}]*\}\s*=(?![=>])/g;
/**
 * An awaited assertion that the key is still free (`await assertSlugAvailable({ tx, slug })`, `await
 * ensureNameUnique(...)`): a hand-written unique check that throws a conflict when the row exists, so a retry stops
 * there once the first attempt inserted the row. Counted like unique-violation handling (`uv`).
 */
const AVAILABILITY_ASSERT = /\bawait\s+(?:[\w$]+\s*\.\s*)*(?:assert|ensure)\w*(?:Available|Availability|Unique|Uniqueness|NotTaken|NotExists?|DoesNotExist)\s*\(/;
const KEY_GUARD = /idempoten|dedup|de-dup|deduplicat/i;
/**
 * An idempotency key handed to one call as an option (`tasks.trigger(id, payload, { idempotencyKey: ... })`): it keys
 * that call only (its classification leaves it out), not the function's other effects.
 */
const KEY_OPTION = /\bidempotency_?key\s*:\s*(?:`[^`]*`|'[^']*'|"[^"]*"|[^,}\n]+)/gi;
/** A computed duplicate flag that gates the work: `if (isDuplicate && last) { reuse } else { create }`, `if (alreadyExists) return`. */
const DUP_FLAG = /\bif\s*\(\s*!?\s*(?:isDuplicate|isDup|alreadyExists?|alreadyExisting|alreadyCreated|alreadyInvited|alreadyMember)\b/;
const ID_GUARD = /\b(messageId|MessageId|message_id|eventId|EventId|event_id|deliveryId|svix-id|webhook-id|x-github-delivery|alreadyProcessed|isProcessed|wasProcessed|hasProcessed|processedMessages|processed_messages|processedEvents|processed_events)\b|\b(message|msg|event|evt)\.(id|offset|messageId|MessageId)\b|\brecord\.(messageId|MessageId)\b/;
const ID_USE = /\b(if|while|where|find\w*|exists\w*|has|get|set\w*|insert\w*|create\w*|upsert\w*|unique\w*|processed\w*|seen|dedup\w*|lock\w*|claim\w*|return)\b|===|!==|\b(const|let|var)\s+[\w$]+\s*(?::[^=]+)?=/;
const UPSERT_GUARD = /\bupsert\b|on\s+conflict|on\s+duplicate\s+key|insert\s+ignore|\$setOnInsert|onConflict|findOrCreate|getOrCreate|createOrUpdate|insertOrIgnore|firstOrCreate|upsert\s*:\s*true|merge\s+into|orIgnore\(|onDuplicateKeyUpdate|onDuplicateUpdate/i;
const UNIQUE_GUARD = /P2002|23505|E11000|\b11000\b|DUPLICATE_KEY|DuplicateKeyError|isDuplicateKey|duplicate_key|UniqueViolation|ER_DUP_ENTRY|SQLITE_CONSTRAINT|UniqueConstraint|duplicate key|unique_violation|UNIQUE constraint|isUniqueConstraintError|isUniqueViolation/i;
const LOG_LINE = /^\s*(console\.\w+|(this\.)?(log|logger|_logger)\.\w+|\w*[lL]ogger\.\w+|span\.\w+|\w*[sS]pan\.setAttributes?)\s*\(/;

/**
 * Log statements that may open the block of a re-check before its `return`/`throw` (`if (d.status === 'DEPLOYED') {
 * logger.debug('already deployed'); return d; }`): a log line does not change what the check stops. Regex source.
 */
const LOG_STATEMENTS = '(?:(?:this\\.)?(?:console|log|logger|_logger|\\w*[lL]ogger)\\.\\w+\\s*\\([^;]*?\\)\\s*;?\\s*){0,3}';
/** State-like fields a compare-and-set predicate or a re-check tests. */
const STATE_FIELD = '(?:\\w*(?:[sS]tatus|[sS]tate|[vV]ersion|[pP]hase|[sS]tage)|processed\\w*|(?:claimed|locked|consumed|used|redeemed|accepted|completed|paid|processed|sent|finished|started)(?:At|_at)|lockedBy|locked_by)';
/** Prisma / Mongo / TypeORM update whose filter names a state field: `update({ where: { id, status: 'PENDING' } })`, `updateOne({ _id, state: 'x' }, ...)`. */
const CAS_ORM = new RegExp(`\\.(?:update|updateMany|updateOne|findOneAndUpdate|findOneAndReplace|findAndModify|update\\w*)\\s*\\(\\s*\\{(?:[^{}]|\\{[^{}]*\\})*?(?:where\\s*:\\s*\\{[^{}]*)?\\b${STATE_FIELD}\\s*:`, 's');
/** SQL `UPDATE t SET ... WHERE ... status = $1` / `... AND processed_at IS NULL`. */
const CAS_SQL = new RegExp(`\\bupdate\\s+[\\w."\`]+\\s+set\\b[\\s\\S]{0,400}?\\bwhere\\b[\\s\\S]{0,200}?\\b${STATE_FIELD}\\b\\s*(?:=|is\\s+null|in\\s*\\()`, 'i');
/** Drizzle / Kysely: `.update(t).set(...).where(and(eq(t.id, id), eq(t.status, 'pending')))`. */
const CAS_BUILDER = new RegExp(`\\.update\\s*\\([^)]*\\)[\\s\\S]{0,300}?\\.where\\s*\\([\\s\\S]{0,200}?\\b(?:eq|isNull)\\s*\\(\\s*[\\w.]*\\.${STATE_FIELD}\\b`);
/**
 * A state re-check that stops the work: `if (order.status !== 'PENDING') return`, `if (invite.acceptedAt) throw ...`,
 * counted only when the same code also writes that field (`data: { status: 'ACCEPTED' }`): the check then stops a
 * second run. A precondition on a state the handler does not change (`revision.status !== 'published'`) is not.
 */
const STATE_RECHECK = new RegExp(`\\bif\\s*\\(\\s*!?\\s*[\\w$.?]*\\.(${STATE_FIELD})\\b[^)]*\\)\\s*\\{?\\s*${LOG_STATEMENTS}(?:return|throw|continue)\\b`, 'g');

/** 2: a re-check of a state the code also writes; 1: a precondition only; 0: none. */
function stateRecheck(code: string): 0 | 1 | 2 {
  let seen: 0 | 1 = 0;
  for (const m of code.matchAll(STATE_RECHECK)) {
    const field = m[1];
    // HTTP status checks, and the outcome of parsing the request (`if (submission.status !== 'success') return json(...)`)
    if (/\b\d{3}\b/.test(m[0]) || /\b(res|response|resp|result|submission|parsed|parseResult|validation|validated)\.status\b/.test(m[0])) continue;
    // a write of the field, not an HTTP status in a response's init (`json(body, { status: 400 })`)
    if (new RegExp(`\\b${field}\\s*:(?!\\s*(?:\\d|HttpStatus\\b|StatusCodes\\b))\\s*(?!\\{)`).test(code.slice(m.index! + m[0].length)) || new RegExp(`\\bset\\s+"?${field}"?\\s*=`, 'i').test(code)) return 2;
    seen = 1;
  }
  return seen;
}

/** `const messageId = req.headers.get('Upstash-Message-Id')` held only to be interpolated into a log or error message. */
const ID_BINDING = /^\s*(?:const|let|var)\s+([\w$]+)\s*(?::[^=]+)?=/;
function onlyLogged(line: string, rest: string[]): boolean {
  const b = ID_BINDING.exec(line);
  // the id is used on this line beyond its binding (`const seen = await redis.get(event.id)`)
  if (!b || ID_USE.test(line.slice(b[0].length).replace(/\b(?:headers?|get)\s*(?:\.\s*get\s*)?\(\s*['"`][\w-]+['"`]\s*\)/gi, ''))) return false;
  const v = new RegExp(`(?<![\\w$.])${esc(b[1])}(?![\\w$])`);
  const uses = rest.filter(l => v.test(l));
  // never used again: the fix's scaffold (`const messageId = ...; // record it`) marks where the dedup goes
  if (!uses.length) return false;
  return uses.every(l => LOG_LINE.test(l) || new RegExp(`\\$\\{\\s*${esc(b[1])}\\s*\\}`).test(l) && !/\b(if|where|find\w*|get|set\w*|insert\w*|create\w*|upsert\w*|exists\w*|has)\s*\(/.test(l));
}

export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}

/** A lookup verb: `.findUnique(`, `.findOne(`, ... (the model and the bound variable are read before it). */
const LOOKUP_VERB = /\.\s*(findUnique|findUniqueOrThrow|findFirst|findOne|findOneBy|findById|findByPk|exists|count|where|findMany)\s*\(/g;
/** The text before a lookup verb: `[const v = await] [client.]model[('name')]` at its end: v, model, string model name. */
const LOOKUP_HEAD = /(?:\b(?:const|let|var)\s+([\w$]+)\s*(?::[^=\n]+)?=\s*(?:await\s+)?[\w$.()]*?)?([\w$]+)(?:\(\s*['"`]([\w.]+)['"`]\s*\))?\s*$/;
/**
 * A service or repository lookup bound to a variable: `const taken = await this.topicRepository.findTopicByKey(...)`,
 * `const existing = await usersService.getUserByEmail(...)`, `const found = await findInviteByToken(...)`.
 */
const SERVICE_LOOKUP = /\b(?:const|let|var)\s+([\w$]+)\s*(?::[^=\n]+)?=\s*(?:await\s+)?(?:[\w$]+\.)*?(?:([\w$]+)\.)?((?:find|get|fetch|load|lookup|exists|check|has)([A-Z][\w$]*)?)\s*\(/g;

/**
 * A hand-written upsert: the found row is updated, else the row is created (`if (existing) { return
 * x.update(existing, ...) } else { return x.create(...) }`), whatever found it (an array `.find` over the rows just
 * read): a retry takes the update branch. Groups: the updated and the created model; counted when they are the same,
 * and then only inserts of that model are covered.
 */
const HAND_UPSERT = /\bif\s*\(\s*[\w$.]+\s*(?:!==?\s*(?:null|undefined)\s*)?\)\s*\{[^{}]*?([\w$]+)\s*\.\s*(?:update\w*|replace\w*|save)\s*\([\s\S]{0,1200}?\}\s*else\s*\{(?:[^{}]|\{[^{}]*\}){0,300}?([\w$]+)\s*\.\s*(?:create|insert\w*)\s*\(/g;

/**
 * The same as a conditional expression: `const row = found ? await x.premium.update(...) : await x.premium.create(...)`
 * (a `?` that is no optional chain; groups: the updated and the created model).
 */
const TERNARY_UPSERT = /[\w$)\]]\s*\?(?![.?])\s*(?:await\s+)?(?:[\w$]+\s*\.\s*)*?([\w$]+)\s*\.\s*(?:update\w*|replace\w*|save)\s*\([\s\S]{0,1200}?\)\s*:\s*(?:await\s+)?(?:[\w$]+\s*\.\s*)*?([\w$]+)\s*\.\s*(?:create|insert\w*)\s*\(/g;

/**
 * `prisma.tier.deleteMany(`, `tx.member.delete({ where })` (Prisma's single delete), `Tier.destroy(`, `db.delete(tiers)`,
 * `knex('tiers').del(`, `DELETE FROM tiers`.
 */
const DELETE_CALL = /\b([\w$]+)(?:\(\s*['"`][\w.]+['"`]\s*\))?\s*\.\s*(?:deleteMany|deleteOne|destroy|del|remove|removeMany|delete(?=\s*\(\s*\{))\s*\(|\.\s*delete\s*\(\s*([\w$.]+)\s*\)|\bdelete\s+from\s+["`]?([\w.]+)/gi;

/** A word every DELETE_CALL match contains (a cheap test first: that regex starts at every word). */
const DELETE_WORD = /\b(?:deleteMany|destroy|del|remove|removeMany|delete)\b/i;

/** Variable names that name no model (normalised). */
const GENERIC_VAR = /^(existing|exist|found|result|re|data|row|record|item|entry|value|taken|match|hit|lookup|check|current|duplicate|dup|other|conflict|response|already\w*|is\w+|has\w+)$/;

const esc = (v: string) => v.replace(/[$]/g, '\\$');

/** The tests of one bound variable, compiled once per name (a name recurs across a file's nested functions and files). */
interface VarTests { dedup: RegExp; dedupNeg: RegExp; stops: RegExp; required: RegExp; recreates: RegExp }
const VAR_TESTS = new Map<string, VarTests>();
function varTests(v: string): VarTests {
  let t = VAR_TESTS.get(v);
  if (t) return t;
  const e = esc(v);
  t = {
    dedup: new RegExp(`\\bif\\s*\\(\\s*${e}\\s*(?:\\)|&&|\\|\\||\\?\\.|\\.length|!==?\\s*(?:null|undefined))`),
    dedupNeg: new RegExp(`\\bif\\s*\\(\\s*!\\s*${e}\\s*\\)(?!\\s*\\{?\\s*(?:return|throw)\\b)`),
    stops: new RegExp(`\\bif\\s*\\(\\s*${e}\\s*(?:\\)|&&[^)]*\\)|\\?\\.[^)]*\\)|!==?\\s*(?:null|undefined)\\s*\\))\\s*\\{?\\s*(?:return|throw)\\b`),
    required: new RegExp(`\\bif\\s*\\(\\s*!\\s*${e}\\s*(?:\\)|\\|\\|[^)]*\\))\\s*\\{?\\s*(?:return|throw)\\b`),
    recreates: new RegExp(`\\bif\\s*\\(\\s*${e}\\s*\\)\\s*\\{?\\s*return\\s+(?:await\\s+)?(?:this\\.)?[\\w$]*(?:create|insert|add|generate)\\w*\\s*\\(`, 'i'),
  };
  if (VAR_TESTS.size >= 4096) VAR_TESTS.clear();
  VAR_TESTS.set(v, t);
  return t;
}

const SPACE = /\s/;
/**
 * Whether `if (v` or `if (!v` occurs in `code` (the start every test below needs), found from the occurrences of `v`
 * reading backwards: much cheaper than the tests themselves on a long function, and usually false.
 */
function ifTests(code: string, v: string): boolean {
  for (let i = code.indexOf(v); i >= 0; i = code.indexOf(v, i + 1)) {
    let j = i - 1;
    while (j >= 0 && SPACE.test(code[j])) j--;
    if (code[j] === '!') { j--; while (j >= 0 && SPACE.test(code[j])) j--; }
    if (code[j] !== '(') continue;
    j--;
    while (j >= 0 && SPACE.test(code[j])) j--;
    if (code[j] === 'f' && code[j - 1] === 'i' && (j < 2 || !/\w/.test(code[j - 2]))) return true;
  }
  return false;
}

/** The found value gates the work: `if (v) return`, `if (v && v.length) { reuse } else { create }`, `if (!v) create(...)`. */
function dedupTest(code: string, v: string): boolean {
  const t = varTests(v);
  return t.dedup.test(code) || t.dedupNeg.test(code);
}

/** `if (v) return ...` / `if (v) throw ...`: a positive test that stops the work (the row exists: conflict or replay). */
function stopsWhenFound(code: string, v: string): boolean {
  return varTests(v).stops.test(code);
}

/** `if (!v) return ...` / `if (!v || ...) throw ...`: the handler needs the row to exist. */
function requiredToExist(code: string, v: string): boolean {
  return varTests(v).required.test(code);
}

/**
 * A model name in a comparable form: lower case, letters only, without a service/repository suffix or a plural `s`:
 * `TopicRepository` -> `topic`, `users` -> `user`, `organization_members` -> `organizationmember`.
 */
export function normModel(name: string | undefined): string | undefined {
  if (!name) return undefined;
  let s = name.replace(/[^A-Za-z]/g, '').toLowerCase();
  // a model named by the suffix alone (Langfuse's `tx.model`, a `store` table) keeps its name
  const stripped = s.replace(/(service|services|repository|repo|model|collection|table|dao|store|entity|schema|client)$/, '');
  if (stripped.length >= 3 || !/^[a-z]+$/.test(name)) s = stripped;
  if (s.endsWith('ies')) s = s.slice(0, -3) + 'y';
  else if (/(ss|us)$/.test(s)) { /* keep */ } else if (s.endsWith('s')) s = s.slice(0, -1);
  return s.length >= 3 ? s : undefined;
}

/** Whether two normalised models name the same thing (`member` / `organizationmember` count). */
export function sameModel(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.endsWith(short);
}

/** The guard state of a function's (or handler's) text; `extra` is text around it (middleware, decorators). */
export function guardState(text: string, extra = ''): GuardFact {
  const code = stripComments(text);
  // a message/event id used in a lookup, a condition or a write (or held in its own variable: the fix's scaffold),
  // not one passed along in a log or alert payload (`eventId: event.id,` on its own line)
  const idLines = ID_GUARD.test(code) && code.split('\n').some((l, i, lines) => ID_GUARD.test(l) && !LOG_LINE.test(l) && ID_USE.test(l) && !onlyLogged(l, lines.slice(i + 1)));
  const look = new Set<string>();
  const stop = new Set<string>();
  // a test of `v` that gates the work, looked for after the lookup only
  const gates = (from: number, v: string): boolean => {
    const rest = code.slice(from);
    if (!rest.includes('if') || rest.indexOf(v, 1) < 0 || !ifTests(rest, v)) return false;
    // `if (orgWithSameSlug) return createOrganization(name, attempt + 1)`: a taken key makes it create under another
    if (varTests(v).recreates.test(rest)) return false;
    return stopsWhenFound(rest, v) || (dedupTest(rest, v) && !requiredToExist(rest, v));
  };
  // lookups: find the verb first (cheap), then read the statement before it (bounded) for the bound variable and model
  for (const vm of code.matchAll(LOOKUP_VERB)) {
    const verb = vm[1];
    const lineStart = Math.max(code.lastIndexOf(';', vm.index), code.lastIndexOf('\n', vm.index - 1), vm.index - 240, 0);
    const m = LOOKUP_HEAD.exec(code.slice(lineStart, vm.index));
    if (!m) continue;
    const v = m[1];
    // `const doc = await Doc.findUnique(...); if (!doc) return 404` requires the row to exist (it is the source of a copy,
    // the parent of the new row): not a dedup; nor is a result that is only read (`parentId: group?._id`).
    // a bound result counts only when a test of it gates the work; an unbound one only inside a condition
    if (v ? !gates(vm.index, v) : (verb === 'findMany' || !/\bif\s*\(\s*!?\s*(?:await\s+)?(?:[\w$]+\.)*$/.test(code.slice(Math.max(0, lineStart + m.index - 60), lineStart + m.index)))) continue;
    const n = normModel(m[3] ?? m[2]);
    // a found row that stops the work or takes the other branch (get-or-create): a retry finds it and skips the rest
    if (n) { look.add(n); if (v) stop.add(n); }
  }
  for (const m of code.matchAll(SERVICE_LOOKUP)) {
    const v = m[1];
    if (!gates(m.index!, v)) continue;
    // the model: `findTopicByKey` -> topic; `usersService.findOne` -> user
    const fromVerb = m[4]?.replace(/(By|With|For|From|If|Or|And)[A-Z][\w$]*$/, '');
    const n = normModel(fromVerb && !/^(One|First|Unique|All|Many|Existing)$/.test(fromVerb) ? fromVerb : m[2]);
    if (n) { look.add(n); stop.add(n); }
    // `const user = await getUserAccount(...); if (user) throw ...`: a found row that refuses the work is named by its
    // variable too (the verb may name a related row: account, membership)
    const vn = normModel(v.replace(/^(existing|found|current|old|prev|previous)(?=[A-Z])/, ''));
    if (vn && vn !== n && !GENERIC_VAR.test(vn) && stopsWhenFound(code.slice(m.index!), v)) stop.add(vn);
  }
  if (code.includes('else')) for (const m of code.matchAll(HAND_UPSERT)) { const u = normModel(m[1]), n = normModel(m[2]); if (u && n && sameModel(u, n)) look.add(n); }
  if (code.includes('?')) for (const m of code.matchAll(TERNARY_UPSERT)) { const u = normModel(m[1]), n = normModel(m[2]); if (u && n && sameModel(u, n)) look.add(n); }
  const repl = new Set<string>();
  if (DELETE_WORD.test(code)) for (const m of code.matchAll(DELETE_CALL)) {
    // Prisma's single `x.delete({ where })` replaces only when the same model is created after it (a delete of the old
    // row after creating the new one is cleanup, not a replace)
    if (m[0].endsWith('delete(') && m[1] && !new RegExp(`\\b${esc(m[1])}\\s*\\.\\s*create\\w*\\s*\\(`).test(code.slice(m.index! + m[0].length))) continue;
    const n = normModel((m[1] ?? m[2] ?? m[3] ?? '').split('.').pop());
    if (n) repl.add(n);
  }
  const g: GuardFact = {};
  if (repl.size) g.repl = [...repl].sort();
  if (KEY_GUARD.test(code.replace(KEY_OPTION, '')) || KEY_GUARD.test(extra) || DUP_FLAG.test(code) || idLines) g.key = 1;
  else if (UNIQUE_GUARD.test(code) || AVAILABILITY_ASSERT.test(code)) g.uv = 1;
  if (UPSERT_GUARD.test(code)) g.upsert = 1;
  const recheck = stateRecheck(code);
  if (CAS_ORM.test(code) || CAS_SQL.test(code) || CAS_BUILDER.test(code) || recheck === 2) g.state = 1;
  else if (recheck === 1) g.check = 1;
  if (look.size) g.look = [...look].sort();
  if (stop.size) g.stop = [...stop].sort();
  // (not a destructuring that reads one back: `const { jobId: rawJobId } = decodeJobId(...)`)
  if (JOB_KEY_OPTION.test(code) && JOB_KEY_OPTION.test(code.replace(DESTRUCTURING, ''))) g.jid = 1;
  return g;
}

export function isEmptyGuard(g: GuardFact): boolean {
  return !g.key && !g.uv && !g.upsert && !g.state && !g.check && !g.look?.length && !g.stop?.length && !g.repl?.length && !g.jid;
}

/** Union of guard states (guards seen anywhere on the path). */
export function mergeGuards(gs: (GuardFact | undefined)[]): GuardFact {
  const out: GuardFact = {};
  const look = new Set<string>();
  const stop = new Set<string>();
  const repl = new Set<string>();
  for (const g of gs) {
    if (!g) continue;
    if (g.key) out.key = 1;
    if (g.uv) out.uv = 1;
    if (g.upsert) out.upsert = 1;
    if (g.state) out.state = 1;
    if (g.jid) out.jid = 1;
    for (const l of g.look ?? []) look.add(l);
    for (const l of g.stop ?? []) stop.add(l);
    for (const l of g.repl ?? []) repl.add(l);
  }
  if (look.size) out.look = [...look].sort();
  if (stop.size) out.stop = [...stop].sort();
  if (repl.size) out.repl = [...repl].sort();
  return out;
}

/** Whether a guard state covers an effect of this kind on this model (`inserted`: models the handler inserts). */
export function guards(g: GuardFact, kind: string, model: string | undefined, inserted?: ReadonlySet<string>): boolean {
  if (g.key || g.uv || g.state) return true;
  if (inserted && g.stop?.some(s => [...inserted].some(i => sameModel(s, i)))) return true;
  if (kind === 'increment' || kind === 'payment') return false;
  if (g.upsert) return true;
  const m = normModel(model);
  if (kind === 'insert' && m && g.look?.some(l => sameModel(l, m))) return true;
  if (kind === 'insert' && m && g.repl?.some(l => sameModel(l, m))) return true;
  return false;
}
