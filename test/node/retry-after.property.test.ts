import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../src/index";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The three HTTP-date forms of RFC 9110 §5.6.7 for one instant (whole seconds). */
function httpDates(ms: number): string[] {
  const d = new Date(ms);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const day = DAYS[d.getUTCDay()]!;
  const month = MONTHS[d.getUTCMonth()]!;
  const longDay = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][
    d.getUTCDay()
  ]!;
  return [
    d.toUTCString(),
    `${longDay}, ${pad(d.getUTCDate())}-${month}-${pad(d.getUTCFullYear() % 100)} ${time} GMT`,
    `${day} ${month} ${String(d.getUTCDate()).padStart(2, " ")} ${time} ${d.getUTCFullYear()}`,
  ];
}

// Up to 2049: RFC 850 dates carry a two-digit year, which Date.parse (like this parser)
// reads as 1950–1999 for 50–99, where RFC 9110 would have 2050 onwards once that is near.
const now = fc.integer({ min: Date.UTC(2000, 0, 8), max: Date.UTC(2049, 11, 24) });

describe("parseRetryAfter (properties)", () => {
  it("returns undefined or a finite whole number of ms ≥ 0, for any header value", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 60 }),
          fc.stringMatching(/^\s*\d{1,400}\s*$/),
          fc.constantFrom("-1", "+1", "1.5", "1e3", "0x10", "Infinity", "NaN", "9".repeat(400)),
        ),
        now,
        (value, at) => {
          const wait = parseRetryAfter(value, at);
          if (wait === undefined) return;
          expect(Number.isFinite(wait)).toBe(true);
          expect(Number.isInteger(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("reads delay-seconds, with optional whitespace around it, as seconds × 1000", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom("", " ", "\t", "  "),
        now,
        (seconds, ws, at) => {
          expect(parseRetryAfter(`${ws}${seconds}${ws}`, at)).toBe(seconds * 1000);
        },
      ),
    );
  });

  it("caps delay-seconds too large to represent at 2^31 s, as RFC 9111 does for delta-seconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 11, max: 400 }), now, (digits, at) => {
        expect(parseRetryAfter("9".repeat(digits), at)).toBe(2 ** 31 * 1000);
      }),
    );
  });

  it("reads all three HTTP-date forms as the time left until that instant, never negative", () => {
    fc.assert(
      fc.property(now, fc.integer({ min: -7 * 86_400, max: 7 * 86_400 }), (at, offsetSeconds) => {
        const target = Math.floor(at / 1000) * 1000 + offsetSeconds * 1000;
        for (const date of httpDates(target)) {
          expect(parseRetryAfter(date, at), date).toBe(Math.max(0, target - at));
        }
      }),
    );
  });

  it("refuses signed, fractional, hex and exponent numbers and anything not starting with a day name", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 1 }).map((n) => `-${n}`),
          fc.integer({ min: 0 }).map((n) => `+${n}`),
          fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}.${b}`),
          fc.nat().map((n) => `0x${n.toString(16)}`),
          fc.tuple(fc.nat(99), fc.nat(9)).map(([a, b]) => `${a}e${b}`),
          fc.string({ maxLength: 20 }).filter((s) => /^\s*[^A-Za-z\s\d]/.test(s)),
        ),
        now,
        (value, at) => {
          expect(parseRetryAfter(value, at)).toBe(undefined);
        },
      ),
    );
  });
});
