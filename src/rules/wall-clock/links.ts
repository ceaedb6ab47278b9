/**
 * wall-clock-ordering: the incidents and patterns each sub-kind links (per /work/shared/facts/incidents.md).
 *
 * Only two verified incidents are wall-clock incidents, and both are about ONE machine's clock stepping back: Cloudflare
 * 2017 (an elapsed time from `time.Now()` went negative; "no servers disagreed about the time") and the 2012 Linux
 * leap second (absolute wall-clock timers fired early). They fit durations and deadlines only. No verified incident
 * shows clocks on different machines disagreeing, nor a time-based id colliding, so ids, versions and ordering link
 * the logical-clock pattern alone. Lease and lock takeovers link GitHub 2018: a holder judged gone after a short silence
 * was replaced while it still took writes, and its lesson is fencing (not a clock incident: the docs say so).
 */
export interface Links { incidents: string[]; patterns: string[] }

/** Elapsed time and deadlines on one machine's wall clock. */
export const DURATION_LINKS: Links = { incidents: ['cloudflare-leap-second-2017', 'linux-leap-second-2012'], patterns: ['monotonic-clocks'] };
/** Ids and keys from the clock: no verified incident. */
export const ID_LINKS: Links = { incidents: [], patterns: ['logical-clocks'] };
/** An idempotency key from the clock. */
export const IDEMPOTENCY_KEY_LINKS: Links = { incidents: [], patterns: ['idempotency-keys', 'logical-clocks'] };
/** Versions, revisions, sequence numbers from the clock: no verified incident. */
export const VERSION_LINKS: Links = { incidents: [], patterns: ['logical-clocks'] };
/** Last-write-wins and event ordering across machines: no verified incident. */
export const ORDERING_LINKS: Links = { incidents: [], patterns: ['logical-clocks'] };
/** Clock skew deciding staleness, recency or lag: no verified incident. */
export const SKEW_LINKS: Links = { incidents: [], patterns: ['logical-clocks'] };
/** Clock skew deciding a lease or lock takeover: GitHub 2018 (takeover without fencing), fencing tokens. */
export const LEASE_LINKS: Links = { incidents: ['github-2018'], patterns: ['logical-clocks'] };
