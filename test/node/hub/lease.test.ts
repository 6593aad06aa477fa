import { describe, expect, it } from "vitest";
import { checkLease, grantLease } from "../../../worker/model/lease";

const heartbeat = { interval: 10_000, timeout: 2_000 };

describe("probe leases", () => {
  it("grants a lease for a location that never probed, expiring after an interval plus a timeout", () => {
    expect(grantLease(undefined, "AMS", null, 1_000, heartbeat, "id1")).toEqual({
      id: "id1",
      colo: "AMS",
      grantedAt: 1_000,
      expiresAt: 13_000,
    });
  });

  it("grants nothing while an unexpired lease is out", () => {
    const lease = grantLease(undefined, "AMS", null, 0, heartbeat, "id1")!;
    expect(grantLease(lease, "AMS", null, 11_999, heartbeat, "id2")).toBeNull();
    expect(grantLease(lease, "AMS", null, 12_000, heartbeat, "id2")?.id).toBe("id2");
  });

  it("grants nothing until the location's last heartbeat is an interval old", () => {
    expect(grantLease(undefined, "AMS", 5_000, 14_999, heartbeat, "id")).toBeNull();
    expect(grantLease(undefined, "AMS", 5_000, 15_000, heartbeat, "id")).not.toBeNull();
  });

  it("accepts results only under the current lease of the same location before it expires", () => {
    const lease = grantLease(undefined, "AMS", null, 0, heartbeat, "id1")!;
    expect(checkLease(lease, "id1", "AMS", 12_000)).toBeNull();
    expect(checkLease(lease, "id1", "AMS", 12_001)).toBe("lease expired");
    expect(checkLease(lease, "id2", "AMS", 1)).toBe("lease id does not match");
    expect(checkLease(lease, "id1", "SIN", 1)).toBe("no lease is held for this location");
    expect(checkLease(undefined, "id1", "AMS", 1)).toBe("no lease is held for this location");
  });
});
