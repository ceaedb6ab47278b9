/** wall-clock-ordering: the names that tell a clock value's purpose (shared by the sub-kinds). */

/** Expiry, cache, rate-limit, throttle: RULES.md "NOT findings". Applied to every name around a duration. */
export const NOT_DURATION_RE = /ttl|cache|stale|fresh|max_?age|(^|[a-z_])age$|throttl|debounce|cooldown|cool_?off|rate_?limit|ratelimit|limiter|window|refresh|expir|token|cookie|session|quota|reset_?interval|last_?reset/i;
/** (pass 4) A minimum gap between requests (`MIN_REQUEST_INTERVAL_MS`, `minRequestGapMs`, `qps`): client-side rate limiting. */
export const MIN_GAP_RE = /(^|[^A-Za-z])(min|MIN)_?[A-Za-z_]*(interval|Interval|INTERVAL|gap|Gap|GAP)|[a-z]Min[A-Z]\w*(Interval|Gap)|(^|[^A-Za-z])(qps|QPS)([^A-Za-z]|$)|[Pp]er_?[Ss]econd|PER_SECOND/;
/** A cooldown is a duration when it belongs to a circuit breaker or an outage back-off (not a resend or rate limit). */
export const COOLDOWN_RE = /cool_?down|cool_?off/i;
export const CIRCUIT_RE = /circuit|breaker|open(ed)?(_?at|_?until|_?since)?$|^is_?open|trip|unavailable|unhealthy|failing|outage/i;
/** A wall clock chosen on purpose to include device sleep: how long a page or a device was hidden or asleep. */
export const SLEEP_RE = /hidden|visib|asleep|suspend|wake|sleep|background(ed)?(_?at|_?since)/i;
/** `lastFlushAt`, `this.lastHeartbeatTime`: state named as the time of the last event. */
export const LAST_STAMP_RE = /^[_#]?last_?[A-Za-z]\w*?(At|_at|Time|_time|Ms|_ms|Ts|_ts|Timestamp|_timestamp)$/;
/** A variable that receives an elapsed time says so. */
export const DURATION_NAME_RE = /duration|elapsed|latency|took|time_?taken|ms$/i;
/** State kept across calls (fields, outer `let`s) counts as a start time only with a start-like name ... */
export const START_RE = /start|begin|began|^t0$|^t_?start|since|(sent|requested|enqueued|queued|launched|connected|opened|acquired|attempt)(_?at|_?time|_?ts)$/i;
/** ... or when the elapsed time is compared with a timeout-like bound. */
export const TIMEOUT_RE = /timeout|time_?limit|deadline|max_?(wait|duration|time|elapsed|ms)|grace|heartbeat|lease/i;

export const ID_RE = /^(id|_id|uid|uuid|guid|key|unique(_?[A-Za-z][\w$]*)?|[A-Za-z_$][\w$]*?(Id|ID|Uid|Uuid|UUID|Guid|Key|_id|_key|_uid))$/;
export const NOT_ID_RE = /^(timeout|timer|interval|raf|frame|animation|animationFrame|idle|immediate|watch|poll|handle)(Id|ID)$/;
export const VERSION_RE = /^(version|ver|seq|seq_?no|seq_?num|sequence|sequence_?number|revision|rev|_rev|generation|[A-Za-z_$][\w$]*?(Version|Seq|Sequence|Revision|_version|_seq|_revision))$/i;
/** Randomness or a counter beside the time makes a home-made id unique enough. */
export const RANDOMISH_RE = /random|uuid|nanoid|cuid|crypto|counter|\+\+|\bseq|\bincrement|\bpid\b|process\.pid|hrtime|performance\.now/i;
export const ID_FN_RE = /^(gen(erate)?|make|create|new|next|get)_?(unique_?|random_?|temp_?)?(id|uid|key|guid|uuid)$|^(unique|uid|guid)_?id$/i;
/** `generateSessionId`, `createEpochId`, `new_message_id`: a making verb, a qualifier, an id suffix (camelCase or snake_case). */
export const QUALIFIED_ID_FN_RE = /^(gen(erate)?|make|create|new|next)([A-Z][A-Za-z0-9]*?(Id|ID|Uid|UID|Uuid|UUID|Key)|_[a-z0-9_]*?_(id|uid|key))$/;
export const NOT_ID_FN_RE = /cache|timer|timeout|interval|frame|idle|hash|etag/i;
/** Record timestamp fields compared to pick a winner (not `createdAt`: display/creation order, not writes). */
export const LWW_PROP_RE = /^(updated|modified|changed|written|saved|synced|edited)(_?(at|on|time|date|ts|timestamp|ms))?$|^last_?(updated|modified|changed|write|written|update|modification|edit|edited|sync|synced|saved)(_?(at|on|time|date|ts|timestamp|ms))?$|^(timestamp|ts|wall_?clock)$/i;
/** Event/message timestamp fields used as a sort key. */
export const SORT_PROP_RE = /^(timestamp|ts|time|at|date|updated_?at|created_?at|sent_?at|received_?at|occurred_?at|published_?at|modified_?at|event_?time|event_?ts|last_?modified|clock)$/i;
export const STREAM_NAME_RE = /event|message|msg|op(eration)?s?\b|ops$|change|mutation|update|command|delta|patch|journal|oplog/i;
export const APPLY_RE = /\b(apply|process|handle|replay|dispatch|emit|execute|commit|publish|reduce|merge|ingest|consume|on[A-Z]\w*)\w*\s*\(/;
export const RESOLVE_FN_RE = /newer|newest|latest|winner|wins|beats|conflict|merge|resolve|should_?(apply|update|overwrite|replace|accept)|lww/i;
/** A variable that holds the verdict of a timestamp comparison, then picks a record: `const localNewer = a.updatedAt >= b.updatedAt`. */
export const VERDICT_VAR_RE = /newer|newest|latest|winner|wins|stale|outdated/i;
/** Accessor functions that read a record's update stamp: `modifiedMs(remote) > modifiedMs(local)`, `checkedClock(a) <= checkedClock(b)`. */
export const STAMP_FN_RE = /^(?:[A-Za-z_$][\w$]*?)?(modified|updated|clock|edited|written|changed)[\w$]*$/i;
export const WRITE_RE = /\b(save|put|set|update|upsert|write|replace|merge|apply|store|persist|insert|overwrite|commit|accept|keep|use|take)\w*\s*\(|[^=!<>]=[^=>]|\breturn\b|\bcontinue\b|\bbreak\b/i;
export const LEASE_WORDS = new Set(['lease', 'leases', 'leader', 'leadership', 'heartbeat', 'heartbeats', 'lock', 'locks', 'mutex', 'leaseholder']);
export const LOCKOUT_RE = /lock(ed|out)?_?until|lockout|login|attempt|account|user|password|otp|captcha|scroll|screen|ui\b/i;
