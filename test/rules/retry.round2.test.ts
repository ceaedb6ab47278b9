/**
 * The retry family's round-2 tuning (issue 15, round-2 tuning repositories): shapes a reviewer flagged that the rules
 * missed, and noise they reported, generalised. Positions are exact; every fix is applied, re-parsed and re-analysed
 * (rule tester). Multi-file cases (the sleep or delay helper in another module) use the project table.
 */
import { ruleTester } from '../helpers/rule-tester';
import { projectTable } from '../helpers/project-table';

const RULES = ['retry-without-backoff', 'retry-without-jitter'];

const uploadLoop = (delay: string, sleep = 'await sleep(delay);') => `import { sleep } from '@acme/utils';
export async function upload(provider: Provider, file: Attachment) {
  let lastError: string | undefined;
  for (let attempt = 0; attempt <= 3; attempt++) {
    if (attempt > 0) {
      const delay = ${delay};
      ${sleep}
    }
    try {
      const result = await provider.uploadAttachment({ id: file.id, content: file.content });
      if (result.success) {
        return { success: true, id: result.attachmentId };
      }
      lastError = result.error;
    } catch (error) {
      lastError = error instanceof Error ? error.message : 'Unknown error';
    }
  }
  return { success: false, error: lastError };
}`;

const relaunch = (test: string, bind = 'const result = await tryCatch(startBrowser());') => `import { tryCatch } from './tryCatch';
let browser: Browser | undefined;
async function launchBrowser() {
  browser = undefined;
  await mutex.runExclusive(async () => {
    ${bind}
    if (${test}) {
      logger.error('Failed to connect to the browser, will retry in 5 secs');
      if (shutdown.signal.aborted) {
        return;
      }
      setTimeout(() => {
        launchBrowser();
      }, 5000);
      return;
    }
    browser = result.data;
  });
}`;

const persist = `export async function persist({ id, findPart, buildParts }: Args) {
  let lastError: unknown;
  for (let attempt = 1; attempt <= CONFIRMATION_PERSIST_MAX_ATTEMPTS; attempt++) {
    try {
      const chatMessage = await prisma.chatMessage.findFirst({ where: { id } });
      if (!chatMessage) {
        throw new Error('Chat message not found');
      }
      const lookup = findPart(chatMessage.parts);
      const persisted = await prisma.chatMessage.updateMany({
        where: { id: chatMessage.id, updatedAt: chatMessage.updatedAt },
        data: { parts: buildParts(lookup) },
      });
      if (persisted.count === 1) {
        return;
      }
      logger.warn('lost update race', { attempt });
    } catch (error) {
      lastError = error;
      logger.warn('attempt failed', { attempt, error });
    }
  }
  throw lastError ?? new Error('Failed');
}`;

const flush = (success: string, init: string) => `class Persistence {
  private readonly MAX_RETRIES = 3;
  private retryCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private async flush(): Promise<void> {
    const batch = this.buffer.splice(0);
    try {
      await this.db.save(batch);
      ${success}
    } catch (error) {
      ${init}
      if (this.retryCount < this.MAX_RETRIES) {
        this.buffer.unshift(...batch);
        this.retryCount++;
        const backoffDelay = Math.min(5000 * Math.pow(2, this.retryCount), 30000);
        this.timer = setTimeout(async () => {
          this.timer = null;
          await this.flush();
        }, backoffDelay);
      } else {
        this.retryCount = 0;
      }
    }
  }
}`;

ruleTester(RULES, {
  valid: [
    { name: 'result-tested loop: a jittered delay', code: uploadLoop('Math.random() * 2000 * 2 ** (attempt - 1)') },
    { name: 'result-tested try on a state read: a poll', code: uploadLoop('2000').replace('provider.uploadAttachment({ id: file.id, content: file.content })', 'provider.getUploadStatus(file.id)') },
    { name: 'a loop over items whose success test is on the item, not a retry', code: `export async function uploadAll(provider: Provider, files: Attachment[]) {
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    try {
      const result = await provider.uploadAttachment({ id: file.id });
      if (result.success) {
        return result;
      }
    } catch (error) {
      logger.warn('upload failed, next file', { error });
    }
  }
}` },
    { name: 'failover over a list of queries picked into a local before the try (round 2: re-run with different input)', code: `export async function search(queries: string[], provider: Provider) {
  let result;
  for (let i = 0; i < queries.length; i++) {
    const candidateQuery = queries[i];
    try {
      result = await provider.searchMessages({ query: candidateQuery });
      break;
    } catch (error) {
      if (i === queries.length - 1) break;
      logger.warn('Search query failed; retrying with the fallback query', { error });
    }
  }
  return result;
}` },
    { name: 'a self-call from the error branch of a result that no awaited call produced (a parse)', code: `function load(raw: string) {
  const parsed = schema.safeParse(raw);
  if (parsed.error) {
    setTimeout(() => {
      load(raw);
    }, 5000);
  }
}` },
    { name: 'a self-call from `!parsed.success` of a synchronous parse: not a failed call', code: relaunch('!result.success', 'const result = schema.safeParse(readConfig());') },
    { name: 'relaunch from the error branch with a jittered delay', code: relaunch('result.error').replace('}, 5000);', '}, 5000 + Math.random() * 5000);') },
    { name: 'p-retry driving a wait for a state (a function named waitFor…): polling, not a retry', code: `import pRetry from 'p-retry';
async function waitForEventAvailability({ expectedCount, ids }: { expectedCount: number; ids: string[] }) {
  await pRetry(
    async () => {
      const actualCount = await getEventsCountById(ids);
      if (actualCount < expectedCount) throw new Error('not all events are there yet');
    },
    { retries: 10, minTimeout: 1000, maxTimeout: 30000, factor: 2 },
  );
}` },
    { name: 'a for loop over items (its counter is not named for attempts) with a conditional return in the try', code: persist.replace(/attempt/g, 'i').replace('CONFIRMATION_PERSIST_MAX_ATTEMPTS', 'ids.length') },
    { name: 'an attempts loop that also waits when the try finds nothing yet (sleep after the try): a poll', code: `export async function resolveSentMessageId(provider: Provider, threadId: string) {
  for (let attempt = 0; attempt < RESOLVE_MAX_ATTEMPTS; attempt++) {
    try {
      const page = await provider.getSentMessageIds({ maxResults: 20 });
      const matching = page.messages.filter((m) => m.threadId === threadId);
      if (matching.length === 1) {
        return matching[0].id;
      }
    } catch {}
    if (attempt < RESOLVE_MAX_ATTEMPTS - 1) {
      await sleep(RESOLVE_RETRY_MS);
    }
  }
  return null;
}` },
    { name: 'an attempts loop that waits at the top of every round: a poll', code: `export async function waitForResult(code: string) {
  const attempts = WAIT_MS / POLL_INTERVAL_MS;
  for (let attempt = 0; attempt < attempts; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    try {
      const result = await getCodeResult(code);
      if (result) return result;
    } catch (error) {
      logger.warn('read failed', { error });
    }
  }
}` },
    { name: 'an attempts loop whose catch goes round only after a compare-and-set conflict (converges)', code: persist.replace("logger.warn('attempt failed', { attempt, error });", "if (!(error instanceof OptimisticLockConflict)) throw error;") },
    { name: '`jitter: 0` on a constant schedule (factor 1) is not a jitter question', code: `export const o = { retries: 3, minTimeout: 100, factor: 1, jitter: 0 };` },
    { name: '`useJitter: false` with no backoff-shaped keys', code: `export const ui = { animate: true, useJitter: false };` },
    { name: 'p-retry with `minTimeout: 0` whose awaited onFailedAttempt hook sleeps a capped exponential delay plus random jitter: the hook paces the retries', code: `import pRetry from 'p-retry';
export async function withLLMRetry<T>(operation: () => Promise<T>, maxRetries = 3) {
  return pRetry(operation, {
    retries: maxRetries,
    minTimeout: 0,
    onFailedAttempt: async (error) => {
      const info = extractInfo(error);
      if (!info.retryable) throw error;
      const baseDelayMs = 2000 * 2 ** (error.attemptNumber - 1);
      const delayMs = info.retryAfterMs ?? Math.min(baseDelayMs, 60_000);
      const jitter = Math.random() * 0.1 * delayMs;
      await sleep(delayMs + jitter);
    },
  });
}` },
    { name: 'p-retry whose hook (a same-file function) sleeps a jittered delay', code: `import pRetry from 'p-retry';
async function pace({ attemptNumber }: { attemptNumber: number }) {
  await new Promise((r) => setTimeout(r, Math.random() * 1000 * 2 ** attemptNumber));
}
export const run = () => pRetry(op, { retries: 5, onFailedAttempt: pace });` },
    { name: 'Activity.retry of a module that is not Effect\'s', code: `import { Activity } from './activity';
export const run = task.pipe(Activity.retry({ times: 3 }));` },
    { name: 'Activity.retry with times: 0 retries nothing', code: `import { Activity } from 'effect/unstable/workflow';
export const run = task.pipe(Activity.retry({ times: 0 }));` },
  ],
  invalid: [
    {
      name: 'result-tested try (`if (result.success) return` on the awaited call\'s result): a delay that doubles with no jitter',
      code: uploadLoop('2000 * 2 ** (attempt - 1)'),
      errors: [{ line: 4, column: 3, endLine: 4, endColumn: 6, ruleId: 'retry-without-jitter', messageId: 'noJitter' }],
      output: uploadLoop('2000 * 2 ** (attempt - 1)', 'await sleep(Math.random() * delay);'),
    },
    {
      name: 'result-tested try that classifies the failure with a synchronous call on the way (its argument changes, the upload\'s input does not)',
      code: uploadLoop('(rateLimited ? 30000 : 2000) * 2 ** (attempt - 1)')
        .replace('let lastError: string | undefined;', 'let lastError: string | undefined;\n  let rateLimited = false;')
        .replace('lastError = result.error;', 'lastError = result.error;\n      rateLimited = isRateLimitError(lastError);')
        .replace("lastError = error instanceof Error ? error.message : 'Unknown error';", "lastError = error instanceof Error ? error.message : 'Unknown error';\n      rateLimited = isRateLimitError(lastError);"),
      errors: [{ line: 5, column: 3, endLine: 5, endColumn: 6, ruleId: 'retry-without-jitter', messageId: 'noJitter' }],
    },
    {
      name: 'a loop that calls itself a retry (attempt counter bounded by MAX_ATTEMPTS) and returns once its write lands: a failure goes round at once',
      code: persist,
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 6, ruleId: 'retry-without-backoff', messageId: 'noDelay' }],
      output: persist.replace("logger.warn('attempt failed', { attempt, error });", "logger.warn('attempt failed', { attempt, error });\n      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(30_000, 100 * 2 ** attempt)));"),
    },
    {
      name: 'a home-grown retry config with `jitter: 0` beside a growing factor: jitter explicitly off (no fix: the scale is the helper\'s)',
      code: `export const RETRY = { retries: 5, minTimeout: 100, factor: 2, jitter: 0 };`,
      errors: [{ line: 1, column: 64, endLine: 1, endColumn: 73, ruleId: 'retry-without-jitter', messageId: 'configNoJitter' }],
      output: null,
    },
    {
      name: 'a BullMQ exponential backoff with `jitter: 0`: one finding, the queue check\'s (not a second config finding)',
      code: `export const backoff = { type: 'exponential', delay: 1000, jitter: 0 };`,
      errors: [{ line: 1, column: 60, endLine: 1, endColumn: 69, ruleId: 'retry-without-jitter', messageId: 'queueNoJitter' }],
    },
    {
      name: 'p-retry with a hook that only logs: the library\'s unrandomized default decides (as before)',
      code: `import pRetry from 'p-retry';
export const run = () => pRetry(op, { retries: 3, onFailedAttempt: ({ attemptNumber }) => console.log(attemptNumber) });`,
      errors: [{ line: 2, column: 26, endLine: 2, endColumn: 32, ruleId: 'retry-without-jitter', messageId: 'libNoJitter' }],
    },
    {
      name: 'p-retry with `minTimeout: 0` and a hook sleeping a constant delay: judged as before (no jitter anywhere)',
      code: `import pRetry from 'p-retry';
export const run = () => pRetry(op, { retries: 3, minTimeout: 0, onFailedAttempt: async () => { await sleep(1000); } });`,
      errors: [{ line: 2, column: 51, endLine: 2, endColumn: 64, ruleId: 'retry-without-backoff', messageId: 'libNoDelay' }],
    },
    {
      name: 'a home-grown retry config with `useJitter: false`',
      code: `export const RETRY = { attempts: 5, baseDelay: 100, multiplier: 2, useJitter: false };`,
      errors: [{ line: 1, column: 68, endLine: 1, endColumn: 84, ruleId: 'retry-without-jitter', messageId: 'configNoJitter' }],
      output: `export const RETRY = { attempts: 5, baseDelay: 100, multiplier: 2, useJitter: true };`,
    },
    {
      name: 'result-tested try with a constant delay',
      code: uploadLoop('2000'),
      errors: [{ line: 4, column: 3, endLine: 4, endColumn: 6, ruleId: 'retry-without-backoff', messageId: 'constantDelay' }],
    },
    {
      name: 'a relaunch that setTimeouts itself from the error branch of an awaited tryCatch result, after a constant delay (unbounded)',
      code: relaunch('result.error'),
      errors: [{ line: 13, column: 9, endLine: 13, endColumn: 24, ruleId: 'retry-without-backoff', messageId: 'constantDelay', message: /retries forever/ }],
      output: null,
    },
    {
      name: 'the same with an optional chain and a `{ data, error }` result',
      code: relaunch('result?.error', 'const result = await supabase.from("browsers").select();'),
      errors: [{ line: 13, column: 9, endLine: 13, endColumn: 24, ruleId: 'retry-without-backoff', messageId: 'constantDelay' }],
      output: null,
    },
    {
      name: 'the same from `!result.success` of an awaited `{ success, error }` result',
      code: relaunch('!result.success', 'const result = await connectBrowser();'),
      errors: [{ line: 13, column: 9, endLine: 13, endColumn: 24, ruleId: 'retry-without-backoff', messageId: 'constantDelay' }],
      output: null,
    },
    {
      name: 'Effect workflow `Activity.retry({ times })` takes no schedule: immediate retries (effect 4 `effect/unstable/workflow`)',
      code: `import { Effect } from 'effect';
import { Activity } from 'effect/unstable/workflow';
export const getTypebot = Activity.make({
  name: 'GetTypebot',
  execute: Effect.gen(function* () {
    return yield* loadTypebot();
  }).pipe(
    Effect.tapError((error) => Effect.logError(error)),
    Activity.retry({
      times: 3,
    }),
  ),
});`,
      errors: [{ line: 9, column: 5, endLine: 9, endColumn: 19, ruleId: 'retry-without-backoff', messageId: 'libNoDelay', message: /`Activity.retry` takes no schedule/ }],
      output: null,
    },
    {
      name: '`Activity.retry(effect, { times })` from @effect/workflow (namespace import)',
      code: `import * as Activity from '@effect/workflow/Activity';
export const run = Activity.retry(sendEmail, { times: 5 });`,
      errors: [{ line: 2, column: 20, endLine: 2, endColumn: 34, ruleId: 'retry-without-backoff', messageId: 'libNoDelay' }],
      output: null,
    },
    {
      name: 'a self-scheduled flush whose counter is reset only on success: the delay grows (jitter, not backoff), bounded by the limit in its branch',
      code: flush('this.retryCount = 0;', 'if (!this.retryCount) {\n        this.retryCount = 0;\n      }'),
      errors: [{ line: 20, column: 17, endLine: 20, endColumn: 29, ruleId: 'retry-without-jitter', messageId: 'noJitter' }],
      output: flush('this.retryCount = 0;', 'if (!this.retryCount) {\n        this.retryCount = 0;\n      }').replace('}, backoffDelay);', '}, Math.random() * backoffDelay);'),
    },
    {
      name: 'the same flush resetting its counter on every call, before the try: the delay is constant (backoff)',
      code: flush('', '').replace('    const batch = this.buffer.splice(0);', '    this.retryCount = 0;\n    const batch = this.buffer.splice(0);'),
      errors: [{ line: 19, column: 17, endLine: 19, endColumn: 29, ruleId: 'retry-without-backoff', messageId: 'constantDelay' }],
    },
  ],
});

projectTable('retry-without-jitter', 'retry-without-jitter round 2: a result-tested loop whose delay helper is in another file', {
  valid: [
    {
      name: 'the helper jitters',
      files: {
        'src/sync.ts': uploadLoop('retryDelay(attempt)').replace("import { sleep } from '@acme/utils';", "import { sleep } from '@acme/utils';\nimport { retryDelay } from './backoff';"),
        'src/backoff.ts': 'export function retryDelay(attempt: number) {\n  return Math.random() * Math.min(30_000, 1000 * 2 ** attempt);\n}\n',
      },
    },
  ],
  invalid: [
    {
      name: 'the helper doubles with no randomness: reported on the loop keyword, the sleep as related information',
      files: {
        'src/sync.ts': uploadLoop('retryDelay(attempt)').replace("import { sleep } from '@acme/utils';", "import { sleep } from '@acme/utils';\nimport { retryDelay } from './backoff';"),
        'src/backoff.ts': 'export function retryDelay(attempt: number) {\n  return Math.min(30_000, 1000 * 2 ** attempt);\n}\n',
      },
      errors: [{ file: 'src/sync.ts', line: 5, column: 3, messageId: 'noJitter', related: ['src/sync.ts:8'] }],
    },
  ],
});

const backoffLoop = `import { backoff } from './backoff';
export async function send(payload: unknown) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await post(payload);
    } catch (err) {
      await backoff(attempt);
    }
  }
}
`;
const backoffHelper = (body: string) => `export async function backoff(attempt: number) {\n  ${body}\n}\n`;

for (const rule of RULES) {
  projectTable(rule, `${rule} round 2: a sleep helper in another file that sleeps longer with the attempt it is given`, {
    valid: [
      { name: 'the helper sleeps with full jitter', files: { 'src/send.ts': backoffLoop, 'src/backoff.ts': backoffHelper('return new Promise((r) => setTimeout(r, Math.random() * Math.min(30_000, 100 * 2 ** attempt)));') } },
      ...(rule === 'retry-without-backoff' ? [
        { name: 'the helper doubles with the attempt: growing, so not this rule (it was read as a constant delay)', files: { 'src/send.ts': backoffLoop, 'src/backoff.ts': backoffHelper('return new Promise((r) => setTimeout(r, 100 * 2 ** attempt));') } },
        { name: 'the same through a local of the helper, capped', files: { 'src/send.ts': backoffLoop, 'src/backoff.ts': backoffHelper('const ms = Math.min(100 * 2 ** attempt, 5000);\n  await new Promise((r) => setTimeout(r, ms));') } },
      ] : [
        { name: 'the helper sleeps a constant time whatever the attempt: not this rule', files: { 'src/send.ts': backoffLoop, 'src/backoff.ts': backoffHelper('void attempt;\n  return new Promise((r) => setTimeout(r, 1000));') } },
      ]),
    ],
    invalid: rule === 'retry-without-backoff' ? [
      { name: 'the helper sleeps a constant time whatever the attempt', files: { 'src/send.ts': backoffLoop, 'src/backoff.ts': backoffHelper('void attempt;\n  return new Promise((r) => setTimeout(r, 1000));') },
        errors: [{ file: 'src/send.ts', line: 3, column: 3, messageId: 'constantDelay', related: ['src/send.ts:7'] }] },
    ] : [
      { name: 'the helper doubles with the attempt and has no randomness', files: { 'src/send.ts': backoffLoop, 'src/backoff.ts': backoffHelper('return new Promise((r) => setTimeout(r, 100 * 2 ** attempt));') },
        errors: [{ file: 'src/send.ts', line: 3, column: 3, messageId: 'noJitter', related: ['src/send.ts:7'] }] },
      { name: 'the same through a local of the helper, capped', files: { 'src/send.ts': backoffLoop, 'src/backoff.ts': backoffHelper('const ms = Math.min(100 * 2 ** attempt, 5000);\n  await new Promise((r) => setTimeout(r, ms));') },
        errors: [{ file: 'src/send.ts', line: 3, column: 3, messageId: 'noJitter', related: ['src/send.ts:7'] }] },
    ],
  });
}
