import { describe, expect, it } from "vitest";
import { systemClock } from "../clock";
import { createCall } from "./create-call";
import { judgeFailure } from "./refusal";

function judged(error: unknown, init?: RequestInit) {
  const call = createCall("/x", init, systemClock, (url) => ({ target: url, pinned: undefined }));
  call.url = "http://a.test/x";
  call.scope.attempts = 1;
  judgeFailure(call, error);
  const { refused, unsent, attempts, callerAborted } = call.scope;
  return { refused: refused === error, unsent, attempts, callerAborted };
}

/** A request that was sent, then failed by its own rule: refused, but an attempt. */
const SENT_BY_RULE = { refused: true, unsent: false, attempts: 1, callerAborted: true };

const fetchFailed = (cause: string) => new TypeError("fetch failed", { cause: new Error(cause) });

describe("judgeFailure", () => {
  it("takes input the runtime's Request refuses as the caller's, unsent and not an attempt", () => {
    const error = new TypeError("invalid header");
    expect(judged(error, { headers: { "bad name": "x" } })).toEqual({
      refused: true,
      unsent: true,
      attempts: 0,
      callerAborted: true,
    });
  });

  it.each([
    ["Node, redirect: 'error'", fetchFailed("unexpected redirect")],
    ["Node, the redirect limit", fetchFailed("redirect count exceeded")],
    ["Node, integrity", fetchFailed("integrity mismatch")],
    [
      "Deno, redirect: 'error'",
      new TypeError("Fetch failed: Encountered redirect while redirect mode is set to 'error'"),
    ],
    [
      "Deno, the redirect limit",
      new TypeError("Fetch failed: Maximum number of redirects (20) reached"),
    ],
    ["Bun, redirect: 'error'", new TypeError('UnexpectedRedirect fetching "http://a.test/x"')],
    [
      "Bun, the redirect limit",
      new TypeError("TooManyRedirects: The response redirected too many times"),
    ],
    ["workerd, the redirect limit", new TypeError("Too many redirects.")],
  ])("takes %s as the request's own rule, sent", (_, error) => {
    expect(judged(error)).toEqual(SENT_BY_RULE);
  });

  it.each([
    ["Node, refused", new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") })],
    [
      "Deno, refused, with 'redirect' in the URL",
      new TypeError(
        "error sending request for url (http://a.test/redirect/integrity): client error (Connect)",
      ),
    ],
    ["Chromium", new TypeError("Failed to fetch")],
    ["not a TypeError", new Error("Network connection lost.")],
  ])("leaves %s to the upstream's account", (_, error) => {
    expect(judged(error)).toEqual({ ...SENT_BY_RULE, refused: false, callerAborted: false });
  });
});
