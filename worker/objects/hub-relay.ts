import { DurableObject } from "cloudflare:workers";
import type { HubUpstreamReport } from "../../src/protocol";
import type { Issue } from "../http/errors";
import type { ReportEntry } from "../http/schemas";
import { EarlyFlush } from "../model/early-flush";
import { locationSettings } from "../model/location-settings";
import {
  addToRelayBatch,
  newRelayBatch,
  type RelayBatch,
  type RelayFlush,
  relayEntries,
} from "../model/relay-batch";
import type { Refusal, RelayAck, RelayInfo } from "./hub-rpc";

const UNKNOWN: Refusal = { ok: false, status: 404, error: "unknown service" };
/** A relay asks the hub again about an upstream it does not know at most this often. */
export const INFO_RETRY_MS = 1_000;

type Known = RelayInfo & { at: number; accepted: Set<string>; refusing: Set<string> };

/**
 * A location's report relay for one service (addressed by `idFromName(service/colo)`):
 * the Worker hands it the passive report entries of every client in that location, it
 * merges them in memory (counts summed exactly, out-of-rotation states as a decayed
 * tally) and writes them to the service's `HealthHub` in one batch when its alarm fires,
 * `relayFlushMs` after the first entry since the last flush. So a location costs the
 * service's object one write per flush, whatever its number of clients. An entry that
 * takes an upstream out of rotation for the first time flushes at once ({@link EarlyFlush}),
 * so a location's first failure is not held back by the interval.
 *
 * It stores nothing but that alarm: what waits in memory is lost if the relay is
 * (at most one flush of reports). A flush whose delivery failed is resent with the same id,
 * which the hub counts once. It checks entries against the service's upstreams (asked from
 * the hub once, again when a flush says the config changed) so that bad reports still get
 * a 400, and refuses reports for a service that has no config without storing anything.
 *
 * @example
 * ```ts
 * const relay = env.RELAY.get(env.RELAY.idFromName(`${service}/${colo}`));
 * const reply = await relay.add(service, colo, batch.upstreams);
 * ```
 */
export class HubRelay extends DurableObject<Env> {
  private service = "";
  private colo = "";
  private batch: RelayBatch = newRelayBatch();
  /** A flush whose delivery failed; it goes again, first, under the same id. */
  private unsent: RelayFlush | null = null;
  /** Whether an alarm is set; `null` until known (a restarted relay may find one set). */
  private armed: boolean | null = null;
  private known: Known | null = null;
  private unknownAt = Number.NEGATIVE_INFINITY;
  private asking: Promise<Known | Refusal> | null = null;
  private flushes = 0;
  private readonly early = new EarlyFlush();
  private readonly instance = crypto.randomUUID();

  /**
   * Merges one client's (validated) report entries from `colo` for `service`. Returns
   * the hub's version as last seen, or why the entries were refused (nothing is merged).
   */
  async add(
    service: string,
    colo: string,
    entries: readonly ReportEntry[],
  ): Promise<number | Refusal> {
    this.service = service;
    this.colo = colo;
    const now = Date.now();
    // A service without a config costs the hub one question per interval, not one per report.
    if (now - this.unknownAt < INFO_RETRY_MS) return UNKNOWN;
    let known = this.known;
    if (known !== null && hasUnknown(known, entries) && now - known.at < INFO_RETRY_MS) {
      // The config may have changed since the relay asked: the hub decides this batch.
      const reply = await this.hub().report(colo, { upstreams: [...entries] });
      if (typeof reply === "number") this.known = null;
      return reply;
    }
    if (known === null || hasUnknown(known, entries)) {
      const info = await this.ask();
      if (!("configTag" in info)) return info;
      known = info;
    }
    const issues = issuesOf(known, entries);
    if (issues.length > 0) return { ok: false, status: 400, error: "invalid report", issues };
    const at = Date.now();
    addToRelayBatch(this.batch, entries, at);
    await this.arm(this.early.due(entries, at, locationSettings(this.env).relayFlushMs));
    return known.version;
  }

  /** Writes what was merged to the service's object. */
  override async alarm(): Promise<void> {
    this.armed = false;
    if (this.unsent === null && this.batch.reports > 0) {
      this.flushes += 1;
      const now = Date.now();
      const id = `${this.instance}:${this.flushes}`;
      this.unsent = { id, reports: this.batch.reports, entries: relayEntries(this.batch, now) };
      this.batch = newRelayBatch();
    }
    const flush = this.unsent;
    if (flush === null) return;
    try {
      const ack = await this.hub().absorb(this.colo, flush);
      this.unsent = null;
      if ("configTag" in ack) this.noteAck(ack);
      else console.error(`relay ${this.service}/${this.colo}: flush refused`, ack.error);
    } catch (err) {
      console.error(`relay ${this.service}/${this.colo}: flush failed, will resend`, err);
    }
    if (this.unsent !== null || this.batch.reports > 0) await this.arm();
  }

  private hub() {
    return this.env.HUB.get(this.env.HUB.idFromName(this.service));
  }

  /** Sets the flush alarm, one interval from now, or for now when `early`. */
  private async arm(early = false): Promise<void> {
    const was = this.armed;
    this.armed = true;
    if (early) return this.ctx.storage.setAlarm(Date.now());
    if (was === true) return;
    // A relay that was evicted and restarted may find the alarm it set before still set.
    if (was === null && (await this.ctx.storage.getAlarm()) !== null) return;
    const { relayFlushMs } = locationSettings(this.env);
    await this.ctx.storage.setAlarm(Date.now() + relayFlushMs);
  }

  /** One question to the hub at a time, however many reports wait for its answer. */
  private ask(): Promise<Known | Refusal> {
    this.asking ??= this.hub()
      .relayInfo(this.colo)
      .then((info): Known | Refusal => {
        if (!("configTag" in info)) {
          if (info.status === 404) this.unknownAt = Date.now();
          return info;
        }
        this.unknownAt = Number.NEGATIVE_INFINITY;
        const known: Known = {
          ...info,
          at: Date.now(),
          accepted: new Set(info.upstreams),
          refusing: new Set(info.refused),
        };
        this.known = known;
        return known;
      })
      .finally(() => {
        this.asking = null;
      });
    return this.asking;
  }

  private noteAck(ack: RelayAck): void {
    if (this.known === null) return;
    if (ack.configTag !== this.known.configTag) this.known = null;
    else this.known.version = ack.version;
  }
}

function hasUnknown(known: Known, entries: readonly HubUpstreamReport[]): boolean {
  for (const e of entries) if (!known.accepted.has(e.url)) return true;
  return false;
}

/** The hub's own checks (`reportIssues`), against what the relay knows of the config. */
function issuesOf(known: Known, entries: readonly HubUpstreamReport[]): Issue[] {
  const issues: Issue[] = [];
  for (const [i, e] of entries.entries()) {
    if (!known.accepted.has(e.url))
      issues.push({ path: `upstreams.${i}.url`, message: `unknown upstream ${e.url}` });
    else if (known.refusing.has(e.url))
      issues.push({ path: "colo", message: `too many locations for ${e.url}` });
  }
  return issues;
}
