import type { ZodType } from "zod";

/**
 * The fields a request schema accepts, read from the zod schema itself (its `_zod.def`
 * tree, the part of zod 4 meant for library authors), so the abuse generators follow the
 * schemas as they change: a field added to `worker/http/schemas.ts` is mutated without
 * touching the generators.
 */

/** A JSON value's type, as a mutation sees it. */
export type JsonKind = "string" | "number" | "boolean" | "null" | "object" | "array";

/** One place in a body: its path (`0` is "the first element"), what it accepts, its limits. */
export interface Field {
  path: (string | 0)[];
  kinds: Set<JsonKind>;
  /** Leaving it out is invalid (no `optional`, no `default`). */
  required: boolean;
  number?: { min?: number; max?: number; minExclusive?: boolean; int: boolean };
  string?: { minLength?: number; maxLength?: number; pattern?: RegExp };
  array?: { min?: number; max?: number };
  /** An object that refuses unknown keys. */
  strict?: boolean;
}

type Def = {
  type: string;
  checks?: { _zod: { def: Check } }[];
  [key: string]: unknown;
};
type Check = {
  check: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: RegExp;
};

const defOf = (schema: unknown) => (schema as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def) => (def.checks ?? []).map((c) => c._zod.def);

/**
 * Every field of `schema`, depth first, the root (path `[]`) included.
 *
 * @example
 * ```ts
 * fieldsOf(configBody).find((f) => f.path.join(".") === "heartbeat.interval");
 * // { kinds: {"number"}, required: false, number: { min: 1000, max: 3600000, int: true } }
 * ```
 */
export function fieldsOf(schema: ZodType): Field[] {
  const out: Field[] = [];
  walk(schema, [], true, out);
  return out;
}

function walk(schema: unknown, path: Field["path"], required: boolean, out: Field[]): Field | null {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "default":
    case "prefault":
      return walk(def.innerType, path, false, out);
    case "nullable": {
      const field = walk(def.innerType, path, required, out);
      field?.kinds.add("null");
      return field;
    }
    case "pipe": {
      // preprocess(fn, schema) is pipe(transform, schema): the input is the inner schema's;
      // schema.transform(fn) is pipe(schema, transform): the input is the schema's.
      const input = defOf(def.in).type === "transform" ? def.out : def.in;
      return walk(input, path, required, out);
    }
    case "union": {
      const field: Field = { path, kinds: new Set(), required };
      out.push(field);
      for (const option of def.options as unknown[]) {
        const sub: Field[] = [];
        const f = walk(option, path, required, sub);
        if (!f) continue;
        for (const k of f.kinds) field.kinds.add(k);
        field.number ??= f.number;
        field.array ??= f.array;
        // Children of an option (an array's elements) keep their own entries.
        out.push(...sub.filter((s) => s !== f));
      }
      return field;
    }
    default:
      return leaf(def, path, required, out);
  }
}

function leaf(def: Def, path: Field["path"], required: boolean, out: Field[]): Field | null {
  const checks = checksOf(def);
  const field: Field = { path, kinds: new Set(), required };
  switch (def.type) {
    case "object": {
      field.kinds.add("object");
      field.strict = defOf(def.catchall ?? { _zod: { def: { type: "unknown" } } }).type === "never";
      out.push(field);
      for (const [key, child] of Object.entries(def.shape as Record<string, unknown>)) {
        walk(child, [...path, key], true, out);
      }
      return field;
    }
    case "array": {
      field.kinds.add("array");
      field.array = {
        min: checks.find((c) => c.check === "min_length")?.minimum,
        max: checks.find((c) => c.check === "max_length")?.maximum,
      };
      out.push(field);
      walk(def.element, [...path, 0], true, out);
      return field;
    }
    case "number": {
      field.kinds.add("number");
      const min = checks.find((c) => c.check === "greater_than");
      const max = checks.find((c) => c.check === "less_than");
      const int =
        (def.format !== undefined && def.format !== "float64") ||
        checks.some((c) => c.check === "number_format");
      field.number = {
        min: min?.value,
        minExclusive: min?.inclusive === false,
        max: max?.value,
        int,
      };
      out.push(field);
      return field;
    }
    case "string": {
      field.kinds.add("string");
      field.string = {
        minLength: checks.find((c) => c.check === "min_length")?.minimum,
        maxLength: checks.find((c) => c.check === "max_length")?.maximum,
        pattern: checks.find((c) => c.format === "regex")?.pattern,
      };
      out.push(field);
      return field;
    }
    case "boolean":
      field.kinds.add("boolean");
      out.push(field);
      return field;
    case "literal":
    case "enum":
      field.kinds.add("string");
      out.push(field);
      return field;
    default:
      // transform, unknown, …: nothing a mutation can target.
      return null;
  }
}
