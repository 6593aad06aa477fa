import { describe, expect, it } from "vitest";
import {
  LEASE_ASK_TIMEOUT_MS,
  LEASE_RETRY_MS,
  leaseAnswered,
  leaseAskDue,
  leaseAsking,
} from "../../../worker/model/lease-slot";

describe("an isolate's lease slot", () => {
  it("asks at once when it knows nothing, then not before the object's due time", () => {
    expect(leaseAskDue(undefined, 0)).toBe(true);
    const slot = leaseAnswered(10_000, 100);
    expect(leaseAskDue(slot, 9_999)).toBe(false);
    expect(leaseAskDue(slot, 10_000)).toBe(true);
  });

  it("lets one request ask at a time, unless that one is lost", () => {
    const asking = leaseAsking(leaseAnswered(1_000, 0), 2_000);
    expect(leaseAskDue(asking, 2_000)).toBe(false);
    expect(leaseAskDue(asking, 2_000 + LEASE_ASK_TIMEOUT_MS - 1)).toBe(false);
    expect(leaseAskDue(asking, 2_000 + LEASE_ASK_TIMEOUT_MS)).toBe(true);
  });

  it("waits a while after a failed ask", () => {
    const failed = leaseAnswered(null, 5_000);
    expect(leaseAskDue(failed, 5_000 + LEASE_RETRY_MS - 1)).toBe(false);
    expect(leaseAskDue(failed, 5_000 + LEASE_RETRY_MS)).toBe(true);
  });
});
