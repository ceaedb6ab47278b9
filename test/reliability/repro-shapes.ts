/**
 * The reproducers of issue 21 (/work/shared/repro/reliability), generated: each function returns the repro file's
 * text byte for byte at the size checked in there (see the `repro` sizes; scripts/repro-table.ts compares them with
 * the shared files when that folder exists) and the same shape at any other size, so the tests and the before/after
 * table can use the sizes the issue names (`issue`) without committing large files.
 */

export interface ReproShape {
  /** The text at size n. */
  make(n: number): string;
  /** The size of the file in /work/shared/repro/reliability (its name there). */
  repro?: { n: number; file: string };
  /** The sizes the issue reports timings for. */
  issue: number[];
}

const REMIX_HEAD = `import { type ActionFunctionArgs, json } from "@remix-run/server-runtime";
import { z } from "zod";
import { prisma } from "~/db.server";
import { requireAdminApiRequest } from "~/services/personalAccessToken.server";
import { bustBillingLimitCaches } from "~/services/platform.v3.server";
import { BillingLimitConvergeEnvironmentsService } from "~/v3/services/billingLimit/billingLimitConvergeEnvironmentsService.server";
import { enqueueBillingLimitConverge } from "~/v3/billingLimitWorker.server";

const ParamsSchema = z.object({
  organizationId: z.string(),
});

/** Billing platform webhook: org billing limit grace expired. Idempotent — returns 202. */
export async function action({ request, params }: ActionFunctionArgs) {
  await requireAdminApiRequest(request);

  if (request.method.toLowerCase() !== "post") {
    return json({ error: "Method not allowed" }, { status: 405 });
  }

  const { organizationId } = ParamsSchema.parse(params);

  const organization = await prisma.organization.findFirst({
    where: { id: organizationId },

`;
const REMIX_TAIL = `
    select: { id: true },
  });

  if (!organization) {
    return json({ error: "Organization not found" }, { status: 404 });
  }

  bustBillingLimitCaches(organizationId);
  await BillingLimitConvergeEnvironmentsService.seedReconcileQueue(organizationId);
  await enqueueBillingLimitConverge(organizationId, "rejected");

  return json({ success: true, accepted: true }, { status: 202 });
}
`;

/** The analyzer's slow shapes (issue 21 item 2), as in repro/reliability/slow. */
export const REPRO_SLOW: Record<string, ReproShape> = {
  'nested-fetch': { make: n => `const z = ${'fetch(\n'.repeat(n)}u${')'.repeat(n)};\n`, repro: { n: 500, file: 'slow/nested-fetch-500.ts' }, issue: [1000] },
  'for-try': { make: n => `async function g() {\n${'for(;;){try{\n'.repeat(n)}await fetch(u)\n${'}catch{}}\n'.repeat(n)}}\n`, repro: { n: 1000, file: 'slow/try-retry-1000.ts' }, issue: [4000] },
  'datenow-chain': { make: n => `const z = Date.now()${'\n - Date.now()'.repeat(n)};\n`, repro: { n: 4000, file: 'slow/datenow-chain-4000.ts' }, issue: [8000] },
  'await-chain': { make: n => `async function g() { return ${'await\n'.repeat(n)}fetch(u); }\n`, repro: { n: 10000, file: 'slow/await-chain-10000.ts' }, issue: [30000] },
  'arrows': { make: n => `const z = ${'() =>\n'.repeat(n)}fetch(u);\n`, repro: { n: 10000, file: 'slow/arrows-10000.ts' }, issue: [30000] },
  'async-fns': { make: n => `${'async function f() {\n'.repeat(n)}await fetch(u);\n${'}\n'.repeat(n)}`, repro: { n: 4000, file: 'slow/async-fns-4000.ts' }, issue: [] },
  'nested-calls': { make: n => `const z = ${'f(\n'.repeat(n)}fetch(u)${')'.repeat(n)};\n`, repro: { n: 3000, file: 'slow/nested-calls-3000.ts' }, issue: [] },
  'syntax-error-fetch': {
    make: n => `${REMIX_HEAD}fetch(u, ${Array.from({ length: n }, () => 'fetch(u)').join(', ')});${REMIX_TAIL}`,
    repro: { n: 2000, file: 'slow/syntax-error-context-2000-fetch.ts' }, issue: [25000],
  },
};

/** `{ headers: {` then `<a>`×n `</a>`×n on one line (repro wasm-trap-3000.ts): web-tree-sitter traps at n = 3000. */
export const trapOneLine = (n: number) => `{\n  headers: {\n}\n${"<a>".repeat(n)}${"</a>".repeat(n)}\n`;

const FRONT = (id: string) => `---
id: ${id}
kind: incident
title: Hostile postmortem
date: 2024-03-01
organisation: Example Corp
summary: A summary.
rules: [missing-timeout]
patterns: []
sources:
  primary:
    - https://example.com/postmortem
---

## What happened

x

## Timeline

- t

## Root cause

r

## The same mistake in TypeScript

\`\`\`ts
await fetch(u);
\`\`\`

## Lessons

l
`;

/** A team postmortem with \`>\` nested n deep (repro kb-deep-blockquote/.incidents/q2000.md). */
export const postmortemBlockquote = (n: number) => `${FRONT(`q${n}`)}${'>'.repeat(n)} deep\n`;
/** A team postmortem with a list nested n deep (repro kb-nested-lists: 600, ~14 s; the issue: 3,000 ran out of memory). */
export const postmortemNestedList = (n: number) => `${FRONT(`scale-lists-${n}`)}${Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}- x\n`).join('')}`;
/** A team postmortem whose body is about \`bytes\` of prose (the issue: 0.84 MB took 6 s in \`kb search\`, 22 MB > 6 min). */
export const postmortemProse = (bytes: number) => {
  const para = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ';
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) { const l = `${para}${para}word${i}\n\n`; lines.push(l); size += l.length; }
  return `${FRONT(`prose-${bytes}`)}${lines.join('')}`;
};
