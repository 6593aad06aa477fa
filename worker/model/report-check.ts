import { HUB_LIMITS } from "../../src/protocol";
import type { Issue } from "../http/errors";
import type { ReportBody } from "../http/schemas";
import type { HubState } from "./hub-state";

/**
 * What is wrong with a (schema-valid) report given the current state: entries for
 * upstreams that are not configured, or a location beyond the per-upstream limit. Checked
 * before anything changes, so a refused report leaves no trace.
 *
 * @example
 * ```ts
 * const issues = reportIssues(state, "AMS", batch);
 * if (issues.length > 0) return refuse(400, issues);
 * ```
 */
export function reportIssues(state: HubState, colo: string, batch: ReportBody): Issue[] {
  const issues: Issue[] = [];
  const urls = new Set<string>();
  const check = (url: string, path: string) => {
    if (state.upstreams.has(url)) urls.add(url);
    else issues.push({ path, message: `unknown upstream ${url}` });
  };
  for (const [i, e] of (batch.upstreams ?? []).entries()) check(e.url, `upstreams.${i}.url`);
  for (const [i, r] of (batch.heartbeats?.results ?? []).entries()) {
    check(r.url, `heartbeats.results.${i}.url`);
  }
  for (const url of urls) {
    if (refusesLocation(state, url, colo)) {
      issues.push({ path: "colo", message: `too many locations for ${url}` });
    }
  }
  return issues;
}

/**
 * Whether upstream `url` (configured) takes no reports from `colo`: it does not track
 * that location yet and already tracks `HUB_LIMITS.locations` others.
 *
 * @example
 * ```ts
 * const refused = urls.filter((url) => refusesLocation(state, url, "AMS"));
 * ```
 */
export function refusesLocation(state: HubState, url: string, colo: string): boolean {
  const locations = state.upstreams.get(url)!.locations;
  return !(colo in locations) && Object.keys(locations).length >= HUB_LIMITS.locations;
}
