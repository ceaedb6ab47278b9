/**
 * missing-timeout: an outbound call that can wait indefinitely because no timeout, deadline or abort signal is set.
 * Contract: shared RULES.md "missing-timeout". Docs and decisions: ./missing-timeout.md.
 * Parts (src/rules/timeout/): classify (which library a call goes to), common (options, fixes, reporting),
 * http-clients (the RULES.md table), browser (browser-only code, out of scope by default), wrappers (project
 * functions that forward their options to a client call: calls through them are judged), clients (pg, AWS SDK v3,
 * undici dispatchers: their constructors' options).
 */
import type { Rule } from '../core/rule';
import { stringValue } from '../core/ast';
import { classify, CLIENT_MODULES, HTTP_MODULES } from './timeout/classify';
import { browserOnly, inReactClientCode, isUseClientFile, skipBrowser } from './timeout/browser';
import { noteClientCall, reportWrapperCall, settleWrapperCall, wrapperCallMaySettle, wrapperSummary } from './timeout/wrappers';
import { AXIOS_DEFAULTS_FACT, instanceDefaultsFact, checkAxios, checkAxiosCreate, checkFetch, checkGot, checkHttp, checkKy, checkSuperagent, checkUndiciRequest, collectFacts } from './timeout/http-clients';
import { checkClientConstructors } from './timeout/clients';
import { builtOptionsSummary, settleOptionsCall } from './timeout/built-options';

export { AXIOS_DEFAULTS_FACT, instanceDefaultsFact };

const meta = {
  id: 'missing-timeout',
  title: 'Outbound call without a timeout',
  description: 'Flags HTTP calls (fetch, axios, got, superagent, http/https) that can wait forever because no timeout, deadline or abort signal is set.',
  defaultSeverity: 'warning' as const,
  // Not aws-dynamodb-2015: its storage servers had a timeout that had become too short (a broken timeout
  // hierarchy), not a missing one (issue 18).
  incidents: ['aws-ebs-2011', 'aws-kinesis-2020'],
  patterns: ['timeouts-and-deadlines', 'circuit-breaker'],
  fixable: true,
};

export const missingTimeout: Rule = {
  meta,
  // no text trigger: a call through a project wrapper (`apiFetch('/x')`) can be anywhere
  summaries: [wrapperSummary, builtOptionsSummary],
  settle(finding, project, file) {
    const kind = (finding.pending as { kind?: string } | undefined)?.kind;
    if (kind === 'options-call') return settleOptionsCall(finding, project, file);
    return kind === 'wrapper-call' ? settleWrapperCall(finding, project, file) : undefined;
  },
  keepPending: wrapperCallMaySettle,
  check(ctx) {
    collectFacts(ctx);
    // cheap prefilter on the source text (no WASM crossing): the callee must start with a name that can
    // reach a client library in this file
    const heads = new Set(['fetch', 'globalThis', 'window', 'self']);
    const httpLocals: string[] = [];
    for (const [local, b] of ctx.facts.bindings) {
      const mod = b.module.replace(/^node:/, '');
      if (CLIENT_MODULES.has(mod)) heads.add(local);
      if (HTTP_MODULES.has(mod)) httpLocals.push(local);
    }
    // `const lib = secure ? https : http`: cheap text check first, declarations only when it can matter
    if (httpLocals.length) {
      const re = new RegExp(`(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*(?::[^=]+)?=\\s*(?:[^;\\n]*\\?\\s*)?(?:${httpLocals.join('|')})\\b`, 'g');
      for (const m of ctx.matchAll(re)) heads.add(m[1]);
    }
    const HEAD = /^[A-Za-z_$][\w$]*/;
    // `(secure ? https : http).get(`: no braces or statements before the `?`, both branches named like http locals
    const INLINE = /^\((?:[^;{}()]|\([^;{}()]*\))*\?\s*([A-Za-z_$][\w$]*)\s*:\s*([A-Za-z_$][\w$]*)\s*\)\s*\.\s*(?:get|request)\s*\(/;
    const httpSet = new Set(httpLocals);
    checkClientConstructors(ctx, n => skipBrowser(ctx) && (isUseClientFile(ctx) || inReactClientCode(ctx, n)));
    for (const call of ctx.captures('call')) {
      const start = ctx.text.slice(call.startIndex, call.startIndex + 200);
      const head = HEAD.exec(start);
      if (!head || !heads.has(head[0])) {
        const m = httpSet.size && start.charCodeAt(0) === 40 /* ( */ ? INLINE.exec(start) : null;
        if (!m || !httpSet.has(m[1]) || !httpSet.has(m[2])) { reportWrapperCall(ctx, call); continue; }
      }
      const t = classify(ctx, call);
      if (!t) { reportWrapperCall(ctx, call); continue; }
      if (browserOnly(ctx, t)) continue;
      noteClientCall(ctx, t);
      switch (t.kind) {
        case 'fetch': checkFetch(ctx, t); break;
        case 'axios': checkAxios(ctx, t); break;
        case 'axios-create': checkAxiosCreate(ctx, t); break;
        case 'got': case 'got-extend': checkGot(ctx, t); break;
        case 'superagent': checkSuperagent(ctx, t); break;
        case 'http': checkHttp(ctx, t); break;
        case 'ky': checkKy(ctx, t); break;
        case 'undici-request': checkUndiciRequest(ctx, t); break;
      }
    }
  },
};

// exported for tests
export { classify as _classify, stringValue as _stringValue };
