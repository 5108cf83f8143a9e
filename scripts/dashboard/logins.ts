// The dashboard's credentials check with failed logins limited per client address (pure, no I/O): an address that
// fails DASHBOARD_MAX_FAILED_LOGINS times (access.ts) within a minute is refused, 429 without any check, until that
// minute is over, so passwords cannot be tried at the network's speed. A request without credentials (a browser's
// first, before it asks) is not a failed login. At most 10,000 addresses are remembered, the oldest dropped first.

import { type Access, authorized } from "./access.ts";

const WINDOW_MS = 60_000;
const MAX_ADDRESSES = 10_000;

/** Checks a request's credentials; `onBlocked` is told when an address reaches the limit. */
export class Logins {
  private failures = new Map<string, { since: number; count: number }>();
  constructor(
    private access: Access,
    private onBlocked: (address: string) => void = () => {},
    private now = () => Date.now(),
  ) {}

  check(
    header: string | null,
    address: string,
  ): { status: 200 } | { status: 401 } | { status: 429; retryAfterS: number } {
    const t = this.now();
    const f = this.failures.get(address);
    if (f && t - f.since >= WINDOW_MS) this.failures.delete(address);
    else if (f && f.count >= this.access.maxFailedLogins)
      return { status: 429, retryAfterS: Math.ceil((f.since + WINDOW_MS - t) / 1000) };
    if (authorized(this.access, header)) return { status: 200 };
    if (header) this.failed(address, t);
    return { status: 401 };
  }

  private failed(address: string, t: number) {
    const f = this.failures.get(address) ?? { since: t, count: 0 };
    f.count++;
    this.failures.delete(address); // re-inserted last: the oldest entries go first when the map is full
    this.failures.set(address, f);
    if (f.count === this.access.maxFailedLogins) this.onBlocked(address);
    if (this.failures.size > MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
  }
}
