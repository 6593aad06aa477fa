import fc from "fast-check";
import type { ZodType } from "zod";
import type { Field, JsonKind } from "./abuse-schema";

/**
 * Invalid values for a schema field and mutations of a valid body, for the hub abuse suite:
 * wrong types, numbers out of range (NaN, ±Infinity and 1e999 as raw JSON tokens, huge,
 * negative, fractional), strings too long or outside their pattern (unicode, control
 * characters, CR/LF header-injection attempts), arrays too long or empty, required keys
 * left out, unknown keys (`__proto__` and `constructor` among them).
 */

/** A JSON token that `JSON.stringify` cannot produce (`NaN`, `1e999`, `-Infinity`, …). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** `JSON.stringify` that writes {@link RawJson} values as their raw text. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof RawJson)) return v;
    raws.push(v.text);
    return `@@raw${raws.length - 1}@@`;
  });
  return text.replace(/"@@raw(\d+)@@"/g, (_, i: string) => raws[Number(i)]!);
}

/**
 * Whether the hub must refuse this body text as JSON or by `schema`: the oracle that keeps
 * a generated request honest (an accidentally valid one is not sent).
 */
export function refusedBy(schema: ZodType, text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return true;
  }
  return !schema.safeParse(value).success;
}

const INJECTION = ["\r\nX-Injected: 1", "\nSet-Cookie: a=b", "%0d%0aX-Injected:%201", "\u0000"];
/** Strings meant to break parsers, logs and headers. */
export const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom(
    ...INJECTION,
    "",
    " ",
    "../../etc/passwd",
    "%2e%2e%2f",
    "\u202eevil",
    "\u200b",
    "\ud800",
    "é",
    "😀",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, on purpose
    "${jndi:ldap://x}",
    "<script>alert(1)</script>",
    "null",
    "0",
  ),
);

const anyOfKind: Record<JsonKind, fc.Arbitrary<unknown>> = {
  string: nastyString,
  number: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()),
  boolean: fc.boolean(),
  null: fc.constant(null),
  object: fc.oneof(fc.constant({}), fc.dictionary(nastyString, fc.jsonValue(), { maxKeys: 3 })),
  array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
};
const KINDS = Object.keys(anyOfKind) as JsonKind[];

/** Values a number field refuses. */
function badNumbers(n: NonNullable<Field["number"]>): fc.Arbitrary<unknown>[] {
  const raw = fc.constantFrom(
    new RawJson("NaN"),
    new RawJson("Infinity"),
    new RawJson("-Infinity"),
    new RawJson("1e999"),
    new RawJson("-1e999"),
    new RawJson("0x10"),
    new RawJson("01"),
    new RawJson("1."),
    new RawJson("+1"),
  );
  const out: fc.Arbitrary<unknown>[] = [raw, fc.constantFrom(1e308, -1e308, Number.MAX_VALUE)];
  if (n.min !== undefined) {
    const below = n.minExclusive ? n.min : n.min - 1;
    out.push(fc.double({ max: below, noNaN: true, noDefaultInfinity: true }));
    out.push(fc.constantFrom(below, -1, -1e9, Number.MIN_SAFE_INTEGER));
  }
  if (n.max !== undefined) {
    out.push(fc.double({ min: n.max + 1, noNaN: true, noDefaultInfinity: true }));
    out.push(fc.constant(n.max + 1));
  }
  if (n.int) out.push(fc.constantFrom(0.5, 1.5, 100.25, 2 ** 53 + 2, 1e21));
  return out;
}

/** Values a string field refuses. */
function badStrings(
  s: NonNullable<Field["string"]>,
  key: string | 0 | undefined,
): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  if (s.maxLength !== undefined) {
    out.push(fc.integer({ min: 1, max: 200 }).map((extra) => "a".repeat(s.maxLength! + extra)));
  }
  if (s.minLength !== undefined && s.minLength > 0) out.push(fc.constant(""));
  if (s.pattern) out.push(nastyString, fc.constant("x".repeat(100)));
  if (key === "url") out.push(badUrl);
  if (key === "healthPath") {
    out.push(
      fc.constantFrom(
        "healthz",
        "//evil.example/",
        "/\\evil",
        "/a b",
        "/é",
        "",
        "/\r\nX-Injected: 1",
      ),
    );
  }
  return out;
}

/** URLs an upstream may not have: other schemes, credentials, metadata and link-local hosts. */
export const badUrl = fc.constantFrom(
  "ftp://127.0.0.1/",
  "javascript:alert(1)",
  "file:///etc/passwd",
  "http://user:pw@127.0.0.1/",
  "http://127.0.0.1/#frag",
  "http://127.0.0.1/?q=1",
  "/relative",
  "http://",
  "http://169.254.169.254/latest/meta-data/",
  "http://[fd00:ec2::254]/",
  "http://0xa9fea9fe/",
  "http://2852039166/",
  "http://0251.0376.0251.0376/",
  "http://169.254.43518/",
  "http://[::ffff:169.254.169.254]/",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://[fe80::1]/",
  "http://0x7f000001/",
  "http://127.1/",
  "http://0.0.0.0/",
  "http://127.0.0.1\r\nX-Injected: 1/",
);

/** A value `field` refuses (the oracle still checks: a union may accept some). */
export function invalidValue(field: Field): fc.Arbitrary<unknown> {
  const key = field.path[field.path.length - 1];
  const wrongKinds = KINDS.filter((k) => !field.kinds.has(k));
  const options: fc.Arbitrary<unknown>[] = [
    fc.constantFrom(...wrongKinds).chain((k) => anyOfKind[k]),
  ];
  if (field.number) options.push(...badNumbers(field.number));
  if (field.string) options.push(...badStrings(field.string, key));
  return fc.oneof(...options);
}

/** One way of breaking a body at one field. */
export type Mutation =
  | { kind: "set"; field: Field; value: unknown }
  | { kind: "delete"; field: Field }
  | { kind: "extra"; field: Field; key: string; value: unknown }
  | { kind: "array"; field: Field; length: number };

const EXTRA_KEYS = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "extra", "URL", "Url"),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
);

/** Every mutation that can break `fields`. */
export function mutationOf(fields: readonly Field[]): fc.Arbitrary<Mutation> {
  const settable = fields.filter((f) => f.path.length > 0);
  const options: fc.Arbitrary<Mutation>[] = [
    fc
      .constantFrom(...settable)
      .chain((field) =>
        invalidValue(field).map((value): Mutation => ({ kind: "set", field, value })),
      ),
  ];
  const required = settable.filter((f) => f.required);
  if (required.length > 0) {
    options.push(
      fc.constantFrom(...required).map((field): Mutation => ({ kind: "delete", field })),
    );
  }
  const strict = fields.filter((f) => f.strict);
  if (strict.length > 0) {
    options.push(
      fc
        .tuple(fc.constantFrom(...strict), EXTRA_KEYS, fc.jsonValue({ maxDepth: 1 }))
        .map(([field, key, value]): Mutation => ({ kind: "extra", field, key, value })),
    );
  }
  const arrays = fields.filter(
    (f) => f.array && (f.array.max !== undefined || (f.array.min ?? 0) > 0),
  );
  if (arrays.length > 0) {
    options.push(
      fc.constantFrom(...arrays).chain((field) => {
        const lengths: number[] = [];
        if (field.array!.max !== undefined)
          lengths.push(field.array!.max + 1, field.array!.max * 4, 10_000);
        if ((field.array!.min ?? 0) > 0) lengths.push(0);
        return fc
          .constantFrom(...lengths)
          .map((length): Mutation => ({ kind: "array", field, length }));
      }),
    );
  }
  return fc.oneof(...options);
}

/**
 * `body` with `mutation` applied (a copy), or `null` when the field is not there to
 * mutate (an optional part the valid body left out). `pick` chooses among array elements.
 */
export function mutate(body: unknown, mutation: Mutation, pick: number): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  const path = mutation.field.path;
  let parent: unknown = null;
  let key: string | number | null = null;
  let node: unknown = copy;
  for (const step of path) {
    if (node === null || typeof node !== "object") return null;
    parent = node;
    if (step === 0) {
      if (!Array.isArray(node) || node.length === 0) return null;
      key = pick % node.length;
    } else {
      if (!(step in node)) {
        // A missing optional object can be created to hold the bad value.
        if (mutation.kind !== "set" || path[path.length - 1] !== step) return null;
      }
      key = step;
    }
    node = (node as Record<string | number, unknown>)[key];
  }
  const holder = parent as Record<string | number, unknown> | null;
  switch (mutation.kind) {
    case "set":
      if (holder === null || key === null) return mutation.value;
      holder[key] = mutation.value;
      return copy;
    case "delete":
      if (holder === null || key === null || !(key in holder)) return null;
      if (Array.isArray(holder)) return null;
      delete holder[key];
      return copy;
    case "extra":
      if (node === null || typeof node !== "object" || Array.isArray(node)) return null;
      Object.defineProperty(node, mutation.key, { value: mutation.value, enumerable: true });
      return copy;
    case "array": {
      if (!Array.isArray(node)) return null;
      const grown = Array.from(
        { length: mutation.length },
        (_, i) => node[i % Math.max(node.length, 1)] ?? 0,
      );
      if (holder === null || key === null) return grown;
      holder[key] = grown;
      return copy;
    }
  }
}
