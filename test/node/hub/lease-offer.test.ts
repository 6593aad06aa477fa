import { describe, expect, it } from "vitest";
import type { HubConfig } from "../../../src/protocol";
import { recordEdgeHeartbeat } from "../../../worker/model/hub-reducer";
import { createHubState } from "../../../worker/model/hub-state";
import { offerLease } from "../../../worker/model/lease-offer";

const config: HubConfig = {
  upstreams: [
    { url: "https://a.internal", weight: 1, healthPath: "/", expectedStatus: [200], drain: false },
    {
      url: "https://b.internal/api",
      weight: 1,
      healthPath: "/healthz",
      expectedStatus: [204],
      drain: false,
    },
  ],
  heartbeat: { interval: 10_000, timeout: 1_000, rise: 1, fall: 1 },
};

describe("lease offers", () => {
  it("lists every configured upstream's probe URL and expected statuses", () => {
    const state = createHubState("svc", config, 0);
    const granted = offerLease(state, "AMS", 5, () => "id-1");
    expect(granted?.offer).toEqual({
      id: "id-1",
      colo: "AMS",
      expiresAt: 11_005,
      timeout: 1_000,
      targets: [
        { url: "https://a.internal", probeUrl: "https://a.internal/", expectedStatus: [200] },
        {
          url: "https://b.internal/api",
          probeUrl: "https://b.internal/api/healthz",
          expectedStatus: [204],
        },
      ],
    });
  });

  it("offers nothing while a lease is out, and does not mint an id for nothing", () => {
    const state = createHubState("svc", config, 0);
    state.leases.set("AMS", offerLease(state, "AMS", 0, () => "id-1")!.lease);
    let minted = 0;
    expect(offerLease(state, "AMS", 1, () => `id-${++minted}`)).toBeNull();
    expect(minted).toBe(0);
  });

  it("offers nothing until the location's freshest heartbeat is an interval old", () => {
    const state = createHubState("svc", config, 0);
    recordEdgeHeartbeat(
      state,
      "AMS",
      { url: "https://a.internal", status: 200, latencyMs: 3 },
      1_000,
    );
    recordEdgeHeartbeat(
      state,
      "AMS",
      { url: "https://b.internal/api", status: 204, latencyMs: 3 },
      4_000,
    );
    expect(offerLease(state, "AMS", 13_999, () => "x")).toBeNull();
    expect(offerLease(state, "AMS", 14_000, () => "x")).not.toBeNull();
    expect(offerLease(state, "SIN", 2_000, () => "y")?.lease.colo).toBe("SIN");
  });
});
