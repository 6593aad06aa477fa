import type { Classification } from "./classify";
import type { ResolvedOutlierOptions } from "./outlier-options";
import { successRateThreshold } from "./success-rate-threshold";

/**
 * Why a host was ejected.
 *
 * @example
 * ```ts
 * const reason: EjectionReason = "success-rate";
 * ```
 */
export type EjectionReason = "consecutive-failures" | "success-rate" | "failure-percentage";

/**
 * Callbacks for ejections and readmissions; called synchronously from the method that
 * caused them, after the detector's state is updated.
 *
 * @example
 * ```ts
 * const events: OutlierEvents<string> = {
 *   onEject: (host, reason, until) => console.warn(`${host} ejected (${reason}) until ${until}`),
 * };
 * ```
 */
export interface OutlierEvents<K> {
  onEject?(host: K, reason: EjectionReason, until: number, now: number): void;
  onReadmit?(host: K, now: number): void;
}

interface Host<K> {
  key: K;
  consecutive: number;
  /** When the latest failed call was sent. */
  lastFailureStart: number;
  successes: number;
  calls: number;
  ejected: boolean;
  until: number;
  timesEjected: number;
}

/**
 * Passive outlier detection over a changing set of hosts, with no timers: ejections end
 * and interval checks run lazily when `record`, `isEjected` or `evaluate` is called at
 * `now`. Hosts are addressed by a small integer index (from `add`, stable while the host
 * is present, reused after removal) so `record` and `isEjected` allocate nothing.
 *
 * Never more than `max(1, floor(hosts × maxEjectionPercent / 100))` hosts are ejected at
 * once, and none when there are fewer than 2 hosts or the percentage is 0: with one host
 * left there is nothing to fail over to. Removing hosts can leave more ejected than that
 * until their time is up; no new ejections happen meanwhile.
 *
 * @example
 * ```ts
 * const detector = new OutlierDetector<string>(resolveOutlierOptions({}) as ResolvedOutlierOptions);
 * const a = detector.add("https://a.internal");
 * detector.record(a, "failure", clock.now());
 * if (!detector.isEjected(a, clock.now())) send(a);
 * ```
 */
export class OutlierDetector<K = string> {
  readonly #hosts: (Host<K> | undefined)[] = [];
  readonly #free: number[] = [];
  #ejected = 0;
  #nextEvaluation = NaN;

  readonly #options: ResolvedOutlierOptions;
  readonly #events: OutlierEvents<K>;

  constructor(options: ResolvedOutlierOptions, events: OutlierEvents<K> = {}) {
    this.#options = options;
    this.#events = events;
  }

  /** Adds a host, in a free slot if there is one; returns its index. Others keep their state. */
  add(key: K): number {
    const index = this.#free.pop() ?? this.#hosts.length;
    this.#hosts[index] = {
      key,
      consecutive: 0,
      lastFailureStart: -Infinity,
      successes: 0,
      calls: 0,
      ejected: false,
      until: 0,
      timesEjected: 0,
    };
    return index;
  }

  /** Removes the host at `index`, silently even if ejected; returns whether it was there. */
  remove(index: number): boolean {
    const host = this.#hosts[index];
    if (host === undefined) return false;
    if (host.ejected) this.#ejected--;
    this.#hosts[index] = undefined;
    this.#free.push(index);
    return true;
  }

  /**
   * Counts one classified call to a host, ejecting it or evaluating the interval if due.
   * `startedAt` (default `now`) is when the call was sent: a success sent before the latest
   * failure was sent does not end a streak of failures, since it is older news.
   */
  record(index: number, classification: Classification, now: number, startedAt = now): void {
    const host = this.#hosts[index];
    if (host === undefined || classification === "ignore") return;
    if (host.ejected && now >= host.until) this.#readmit(host, now);
    host.calls++;
    if (classification === "success") {
      host.successes++;
      if (!(startedAt < host.lastFailureStart)) host.consecutive = 0;
    } else {
      if (startedAt > host.lastFailureStart) host.lastFailureStart = startedAt;
      host.consecutive++;
      const limit = this.#options.consecutiveFailures;
      if (limit !== false && host.consecutive >= limit && !host.ejected) {
        this.#eject(host, "consecutive-failures", now);
      }
    }
    if (!(now < this.#nextEvaluation)) this.evaluate(now);
  }

  /** Whether the host is ejected at `now`; a host whose time is up is readmitted here. */
  isEjected(index: number, now: number): boolean {
    const host = this.#hosts[index];
    if (host === undefined || !host.ejected) return false;
    if (now < host.until) return true;
    this.#readmit(host, now);
    return false;
  }

  /**
   * Ends the host's ejection at `now`, before its time is up (a probe showed it healthy);
   * returns whether it was ejected. Emits `onReadmit` like a readmission by time.
   */
  readmit(index: number, now: number): boolean {
    const host = this.#hosts[index];
    if (host === undefined || !host.ejected) return false;
    this.#readmit(host, now);
    return true;
  }

  /**
   * Forgets the host's failure streak and its calls this interval: another guard (a circuit
   * breaker) took it out for those failures, so they must not eject it as well.
   */
  forgive(index: number): void {
    const host = this.#hosts[index];
    if (host !== undefined) clearCounts(host);
  }

  /** Readmits hosts whose time is up and runs the interval checks when one is due. */
  evaluate(now: number): void {
    this.#readmitDue(now);
    if (Number.isNaN(this.#nextEvaluation)) {
      this.#nextEvaluation = now + this.#options.interval;
      return;
    }
    if (now < this.#nextEvaluation) return;
    const interval = this.#options.interval;
    const previous = this.#nextEvaluation - interval;
    this.#nextEvaluation = now + interval;
    const { successRate, failurePercentage } = this.#options;
    if (successRate !== false) {
      const { stdevFactor, minHosts, minRequests } = successRate;
      const hosts = this.#qualifying(minRequests);
      if (hosts.length >= minHosts) {
        const bar = successRateThreshold(hosts.map(successShare), stdevFactor);
        this.#ejectWorst(hosts, (h) => successShare(h) < bar, "success-rate", now);
      }
    }
    if (failurePercentage !== false) {
      const { threshold, minHosts, minRequests } = failurePercentage;
      const hosts = this.#qualifying(minRequests);
      if (hosts.length >= minHosts) {
        const failing = (h: Host<K>) => (h.calls - h.successes) / h.calls >= threshold;
        this.#ejectWorst(hosts, failing, "failure-percentage", now);
      }
    }
    for (const host of this.#hosts) {
      if (host === undefined) continue;
      host.successes = 0;
      host.calls = 0;
      // Each whole interval a host stays in service earns back one ejection (as in Envoy).
      if (!host.ejected && host.timesEjected > 0) {
        const earned = Math.floor((now - Math.max(previous, host.until)) / interval);
        if (earned > 0) host.timesEjected = Math.max(0, host.timesEjected - earned);
      }
    }
  }

  /** Hosts in service with at least `minRequests` calls this interval. */
  #qualifying(minRequests: number): Host<K>[] {
    const hosts: Host<K>[] = [];
    for (const host of this.#hosts) {
      if (host !== undefined && !host.ejected && host.calls >= minRequests) hosts.push(host);
    }
    return hosts;
  }

  /** Ejects the hosts that match, lowest success rate first, as far as the cap allows. */
  #ejectWorst(
    hosts: Host<K>[],
    isOutlier: (host: Host<K>) => boolean,
    reason: EjectionReason,
    now: number,
  ): void {
    const outliers = hosts.filter(isOutlier).sort((a, b) => successShare(a) - successShare(b));
    for (const host of outliers) if (!host.ejected) this.#eject(host, reason, now);
  }

  #maxEjected(): number {
    const hosts = this.#hosts.length - this.#free.length;
    const percent = this.#options.maxEjectionPercent;
    if (hosts < 2 || percent === 0) return 0;
    return Math.max(1, Math.floor((hosts * percent) / 100 + 1e-9));
  }

  #eject(host: Host<K>, reason: EjectionReason, now: number): void {
    if (this.#ejected >= this.#maxEjected()) this.#readmitDue(now);
    if (this.#ejected >= this.#maxEjected()) return;
    host.timesEjected++;
    const { baseEjection, maxEjection } = this.#options;
    host.until = now + Math.min(maxEjection, baseEjection * host.timesEjected);
    host.ejected = true;
    host.consecutive = 0;
    this.#ejected++;
    this.#events.onEject?.(host.key, reason, host.until, now);
  }

  #readmit(host: Host<K>, now: number): void {
    host.ejected = false;
    clearCounts(host);
    this.#ejected--;
    this.#events.onReadmit?.(host.key, now);
  }

  #readmitDue(now: number): void {
    if (this.#ejected === 0) return;
    for (const host of this.#hosts) {
      if (host?.ejected && now >= host.until) this.#readmit(host, now);
    }
  }
}

function clearCounts(host: { consecutive: number; successes: number; calls: number }): void {
  host.consecutive = 0;
  host.successes = 0;
  host.calls = 0;
}

function successShare(host: { successes: number; calls: number }): number {
  return host.successes / host.calls;
}
