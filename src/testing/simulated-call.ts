import type { Clock, TimerHandle } from "../clock";
import type { ResolvedOutage, ResolvedUpstream } from "./upstream-model";
import type { UpstreamStats } from "./upstream-stats";

/** A simulated upstream: its resolved model and its counters (replaced on reset). */
export interface Upstream {
  readonly model: ResolvedUpstream;
  stats: UpstreamStats;
}

const REFUSED = -1;

/** `TypeError("fetch failed")` with an ECONNREFUSED cause, as undici rejects a refused connection. */
export function refusal(origin: string): TypeError {
  const cause = Object.assign(new Error(`connect ECONNREFUSED ${origin}`), {
    code: "ECONNREFUSED",
  });
  return new TypeError("fetch failed", { cause });
}

/** One call in flight; also the abort listener (`handleEvent`), so no closure per call. */
class PendingCall {
  timer: TimerHandle = undefined;
  constructor(
    readonly upstream: Upstream,
    readonly clock: Clock,
    readonly status: number,
    readonly signal: AbortSignal | undefined,
    readonly resolve: (res: Response) => void,
    readonly reject: (reason: unknown) => void,
  ) {}

  fire(): void {
    this.signal?.removeEventListener("abort", this);
    const { stats, model } = this.upstream;
    stats.inFlight--;
    if (this.status === REFUSED) {
      stats.refused++;
      this.reject(refusal(model.origin));
      return;
    }
    if (this.status < 400) stats.ok++;
    else stats.errors++;
    const init: ResponseInit = { status: this.status };
    if (model.headers !== undefined) init.headers = model.headers;
    this.resolve(new Response(model.body(this.status), init));
  }

  handleEvent(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    const stats = this.upstream.stats;
    stats.inFlight--;
    stats.aborted++;
    this.reject(this.signal!.reason);
  }
}

/** Starts one call on `upstream`: draws its outcome and latency now, answers on the clock. */
export function startCall(
  upstream: Upstream,
  clock: Clock,
  signal: AbortSignal | undefined,
  resolve: (res: Response) => void,
  reject: (reason: unknown) => void,
): void {
  const { model, stats } = upstream;
  const random = model.random;
  const now = clock.now();
  stats.requests++;
  const inFlight = ++stats.inFlight;
  if (inFlight > stats.maxInFlight) stats.maxInFlight = inFlight;

  let outage: ResolvedOutage | undefined;
  for (const o of model.outages) {
    if (now >= o.from && now < o.to) {
      outage = o;
      break;
    }
  }
  let status = 200;
  let delay: number;
  if (outage === undefined) {
    delay = model.latency(random);
    if (model.errorRate > 0 && random() < model.errorRate) status = model.status;
  } else {
    stats.arrivedWhileDown++;
    stats.arrivalsWhileDown.push(now);
    switch (outage.mode) {
      case "refuse":
        status = REFUSED;
        delay = random();
        break;
      case "hang":
        delay = Number.POSITIVE_INFINITY;
        break;
      case "status":
        status = outage.status;
        delay = (outage.latency ?? model.latency)(random);
        break;
      default:
        delay = outage.latency!(random);
        if (model.errorRate > 0 && random() < model.errorRate) status = model.status;
    }
  }
  if (model.latencyPerExtra !== undefined && status !== REFUSED && inFlight > model.capacity) {
    delay += (inFlight - model.capacity) * model.latencyPerExtra(random);
  }

  const call = new PendingCall(upstream, clock, status, signal, resolve, reject);
  if (delay !== Number.POSITIVE_INFINITY) call.timer = clock.setTimeout(() => call.fire(), delay);
  signal?.addEventListener("abort", call, { once: true });
}
