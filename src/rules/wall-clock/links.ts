/** wall-clock-ordering: the incidents and patterns each sub-kind links. */
export const INC_CLOCK = ['cloudflare-leap-second-2017', 'linux-leap-second-2012'];
