/**
 * An independent model of what a gate's body assertions mean, for property
 * tests: a small JSONPath evaluator over a path syntax tree (the subset the
 * generators produce) and a direct reading of SPEC.md's "How assertions
 * judge". Written from the RFC and the spec, not from src/judge.
 */
import fc from "fast-check";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Step = string | number;

export type Segment =
  | { t: "name"; key: string }
  | { t: "index"; i: number }
  | { t: "wild" }
  | { t: "slice"; start?: number; end?: number; step?: number }
  | { t: "desc"; inner: Segment }
  | { t: "filter"; test: FilterTest };

export type FilterTest =
  | { kind: "eq"; key: string; value: null | boolean | number | string }
  | { kind: "gt"; key: string; n: number }
  | { kind: "has"; key: string };

export interface Node {
  value: Json;
  at: Step[];
}

/** Keys the documents use; two need bracket notation. */
export const KEYS = ["a", "b", "ok", "name", "checks", "x y", "it's", "__proto__", "constructor"];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quote(key: string): string {
  return `'${key.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function renderSegment(s: Segment): string {
  switch (s.t) {
    case "name":
      return IDENT.test(s.key) ? `.${s.key}` : `[${quote(s.key)}]`;
    case "index":
      return `[${s.i}]`;
    case "wild":
      return "[*]";
    case "slice":
      return `[${s.start ?? ""}:${s.end ?? ""}${s.step === undefined ? "" : `:${s.step}`}]`;
    case "desc": {
      const inner = renderSegment(s.inner);
      return inner.startsWith(".") ? `..${inner.slice(1)}` : `..${inner}`;
    }
    case "filter":
      return `[?${renderTest(s.test)}]`;
  }
}

function renderTest(t: FilterTest): string {
  const at = IDENT.test(t.key) ? `@.${t.key}` : `@[${quote(t.key)}]`;
  if (t.kind === "has") return at;
  if (t.kind === "gt") return `${at} > ${t.n}`;
  const v = typeof t.value === "string" ? quote(t.value) : JSON.stringify(t.value);
  return `${at} == ${v}`;
}

export function renderPath(segments: Segment[]): string {
  return `$${segments.map(renderSegment).join("")}`;
}

/** RFC 9535 singular query: only name and index segments. */
export function isSingular(segments: Segment[]): boolean {
  return segments.every((s) => s.t === "name" || s.t === "index");
}

const isObject = (v: Json): v is { [key: string]: Json } =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function children(node: Node): Node[] {
  const v = node.value;
  if (Array.isArray(v)) return v.map((value, i) => ({ value, at: [...node.at, i] }));
  if (isObject(v)) return Object.keys(v).map((k) => ({ value: v[k]!, at: [...node.at, k] }));
  return [];
}

function sliceIndices(len: number, s: { start?: number; end?: number; step?: number }): number[] {
  const step = s.step ?? 1;
  if (step === 0) return [];
  const norm = (i: number) => (i >= 0 ? i : len + i);
  const out: number[] = [];
  if (step > 0) {
    const lower = Math.min(Math.max(norm(s.start ?? 0), 0), len);
    const upper = Math.min(Math.max(norm(s.end ?? len), 0), len);
    for (let i = lower; i < upper; i += step) out.push(i);
  } else {
    const upper = Math.min(Math.max(norm(s.start ?? len - 1), -1), len - 1);
    const lower = Math.min(Math.max(norm(s.end ?? -len - 1), -1), len - 1);
    for (let i = upper; lower < i; i += step) out.push(i);
  }
  return out;
}

function passes(t: FilterTest, value: Json): boolean {
  if (!isObject(value) || !Object.hasOwn(value, t.key)) return false;
  const got = value[t.key]!;
  if (t.kind === "has") return true;
  if (t.kind === "gt") return typeof got === "number" && got > t.n;
  return sameJson(got, t.value);
}

function apply(s: Segment, node: Node): Node[] {
  const v = node.value;
  switch (s.t) {
    case "name":
      return isObject(v) && Object.hasOwn(v, s.key)
        ? [{ value: v[s.key]!, at: [...node.at, s.key] }]
        : [];
    case "index": {
      if (!Array.isArray(v)) return [];
      const i = s.i >= 0 ? s.i : v.length + s.i;
      return i >= 0 && i < v.length ? [{ value: v[i]!, at: [...node.at, i] }] : [];
    }
    case "wild":
      return children(node);
    case "slice":
      return Array.isArray(v)
        ? sliceIndices(v.length, s).map((i) => ({ value: v[i]!, at: [...node.at, i] }))
        : [];
    case "filter":
      return children(node).filter((c) => passes(s.test, c.value));
    case "desc": {
      const out: Node[] = [];
      const visit = (n: Node) => {
        out.push(...apply(s.inner, n));
        for (const c of children(n)) visit(c);
      };
      visit(node);
      return out;
    }
  }
}

export function evaluate(segments: Segment[], doc: Json): Node[] {
  let nodes: Node[] = [{ value: doc, at: [] }];
  for (const s of segments) nodes = nodes.flatMap((n) => apply(s, n));
  return nodes;
}

/** Equality of JSON values: same type, same members, arrays in order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "undefined";
}

/** `every`/`some` matching: objects partially and recursively, anything else exactly. */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (pattern !== null && typeof pattern === "object" && !Array.isArray(pattern)) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
    const v = value as Record<string, unknown>;
    return Object.keys(pattern).every(
      (k) => Object.hasOwn(v, k) && matchesPattern(v[k], (pattern as Record<string, unknown>)[k]),
    );
  }
  return sameJson(value, pattern);
}

export function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

export interface Predicates {
  equals?: Json;
  exists?: boolean;
  count?: number;
  every?: Json;
  some?: Json;
  matches?: string;
  type?: string | string[];
  oneOf?: Json[];
  lessThan?: number;
  greaterThan?: number;
}

export interface OracleVerdict {
  green: boolean;
  /** Red because the path selected nothing and nothing allowed that. */
  emptySelection: boolean;
  nodes: Node[];
  /** What count, every and some look at: a singular array's items, else the nodes. */
  items: Node[];
}

/** SPEC.md's "How assertions judge", read literally. */
export function oracle(segments: Segment[], p: Predicates, doc: Json): OracleVerdict {
  const nodes = evaluate(segments, doc);
  const singular = isSingular(segments);
  const only = nodes[0];
  const items =
    singular && only && Array.isArray(only.value)
      ? only.value.map((value, i) => ({ value, at: [...only.at, i] }))
      : nodes;
  const usesItems = p.every !== undefined || p.some !== undefined || p.count !== undefined;
  const allowsEmpty = p.count === 0 || p.exists === false;
  const empty = nodes.length === 0 || (usesItems && items.length === 0);
  if (empty && !allowsEmpty) return { green: false, emptySelection: true, nodes, items };

  const perValue = nodes.map((n) => n.value);
  const holds: boolean[] = [];
  if (p.exists !== undefined) holds.push(p.exists === nodes.length > 0);
  if (p.count !== undefined) holds.push(items.length === p.count);
  if (p.equals !== undefined)
    holds.push(
      singular
        ? only !== undefined && sameJson(only.value, p.equals)
        : sameJson(perValue, p.equals),
    );
  if (p.every !== undefined) holds.push(items.every((i) => matchesPattern(i.value, p.every)));
  if (p.some !== undefined) holds.push(items.some((i) => matchesPattern(i.value, p.some)));
  if (p.type !== undefined) {
    const want = Array.isArray(p.type) ? p.type : [p.type];
    holds.push(
      perValue.every((v) =>
        want.some((t) => t === typeOf(v) || (t === "integer" && Number.isInteger(v))),
      ),
    );
  }
  if (p.matches !== undefined) {
    const re = new RegExp(p.matches, "u");
    holds.push(perValue.every((v) => typeof v === "string" && re.test(v)));
  }
  if (p.oneOf !== undefined)
    holds.push(perValue.every((v) => p.oneOf!.some((o) => sameJson(o, v))));
  if (p.lessThan !== undefined)
    holds.push(perValue.every((v) => typeof v === "number" && v < p.lessThan!));
  if (p.greaterThan !== undefined)
    holds.push(perValue.every((v) => typeof v === "number" && v > p.greaterThan!));
  return { green: holds.every(Boolean), emptySelection: false, nodes, items };
}

/** A copy of `doc` with the value at `at` replaced. */
export function replaceAt(doc: Json, at: Step[], value: Json): Json {
  if (at.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let parent: Record<string | number, Json> = copy;
  for (const step of at.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  parent[at.at(-1)!] = value;
  return copy as Json;
}

/* Generators. */

const scalar = fc.oneof(
  fc.boolean(),
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(0.5, -1.25, 1e21, 1e-7),
  fc.constantFrom("", "ok", "a1", "db-3", "true", "ü", "x\ny", "𝄞"),
  fc.constant(null),
);

export const jsonDoc: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 4 }),
  ),
})).value as fc.Arbitrary<Json>;

/** A document that is usually an object, so paths from the root find something. */
export const rootDoc: fc.Arbitrary<Json> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(fc.constantFrom(...KEYS), jsonDoc, { minKeys: 1, maxKeys: 5 }),
  },
  { weight: 1, arbitrary: jsonDoc },
);

const key = fc.constantFrom(...KEYS);
const simpleSegment: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 4, arbitrary: key.map((k) => ({ t: "name" as const, key: k })) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: -3, max: 4 }).map((i) => ({ t: "index" as const, i })),
  },
  { weight: 2, arbitrary: fc.constant({ t: "wild" as const }) },
);
const segment: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 6, arbitrary: simpleSegment },
  {
    weight: 2,
    arbitrary: fc
      .record(
        {
          start: fc.integer({ min: -4, max: 4 }),
          end: fc.integer({ min: -4, max: 5 }),
          step: fc.constantFrom(1, 2, -1, -2, 0),
        },
        { requiredKeys: [] },
      )
      .map((s) => ({ t: "slice" as const, ...s })),
  },
  { weight: 1, arbitrary: simpleSegment.map((inner) => ({ t: "desc" as const, inner })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.record({
          kind: fc.constant("eq" as const),
          key,
          value: fc.oneof(
            fc.boolean(),
            fc.integer({ min: 0, max: 5 }),
            fc.constantFrom("ok", "a1"),
          ),
        }),
        fc.record({ kind: fc.constant("gt" as const), key, n: fc.integer({ min: -1, max: 6 }) }),
        fc.record({ kind: fc.constant("has" as const), key }),
      )
      .map((test) => ({ t: "filter" as const, test })),
  },
);

export const pathSegments = fc.array(segment, { maxLength: 3 });
/** Paths without filters: changing a selected value cannot drop it from the selection. */
export const plainPathSegments = fc.array(
  segment.filter((s) => s.t !== "filter"),
  { maxLength: 3 },
);

export const PREDICATE_KINDS = [
  "equals",
  "exists",
  "count",
  "every",
  "some",
  "type",
  "matches",
  "oneOf",
  "lessThan",
  "greaterThan",
] as const;
export type PredicateKind = (typeof PREDICATE_KINDS)[number];

/** A predicate to build: truthful ones are derived from what the path selects, so greens happen. */
export interface PredicateSpec {
  kind: PredicateKind;
  truthful: boolean;
  pick: number;
  random: Json;
  flag: boolean;
}

const PATTERNS = ["", "^ok$", "a", "[0-9]", "^d", "b-", "^$", ".", "^.$", "y$"];

export const predicateSpecs = fc.uniqueArray(
  fc.record({
    kind: fc.constantFrom(...PREDICATE_KINDS),
    truthful: fc.nat(3).map((n) => n > 0),
    pick: fc.nat(50),
    random: jsonDoc,
    flag: fc.boolean(),
  }),
  { minLength: 1, maxLength: 3, selector: (s) => s.kind },
);

/** Turns specs into concrete predicates, deriving truthful ones from the oracle's selection. */
export function buildPredicates(
  specs: PredicateSpec[],
  segments: Segment[],
  doc: Json,
): Predicates {
  const nodes = evaluate(segments, doc);
  const singular = isSingular(segments);
  const only = nodes[0];
  const items: Json[] =
    singular && only && Array.isArray(only.value) ? only.value : nodes.map((n) => n.value);
  const values = nodes.map((n) => n.value);
  const p: Predicates = {};
  for (const s of specs) {
    const num = typeof s.random === "number" ? s.random : s.pick - 25;
    switch (s.kind) {
      case "equals":
        p.equals = s.truthful ? (singular ? (only?.value ?? s.random) : values) : s.random;
        break;
      case "exists":
        p.exists = s.truthful ? nodes.length > 0 : s.flag;
        break;
      case "count":
        p.count = s.truthful ? items.length : s.pick % 4;
        break;
      case "every":
        p.every = s.truthful ? commonPattern(items, s.pick) : s.random;
        break;
      case "some":
        p.some =
          s.truthful && items.length > 0
            ? partial(items[s.pick % items.length]!, s.pick)
            : s.random;
        break;
      case "type": {
        const types = [...new Set(values.map(typeOf))];
        if (s.flag && values.length > 0 && values.every((v) => Number.isInteger(v)))
          p.type = "integer";
        else if (s.truthful && types.length > 0) p.type = types.length === 1 ? types[0]! : types;
        else p.type = ["string", "number", "boolean", "null", "object", "array"][s.pick % 6]!;
        break;
      }
      case "matches":
        p.matches = s.truthful ? "" : PATTERNS[s.pick % PATTERNS.length]!;
        break;
      case "oneOf":
        p.oneOf = s.truthful && values.length > 0 ? [...values, s.random] : [s.random];
        break;
      case "lessThan": {
        const nums = values.filter((v): v is number => typeof v === "number");
        p.lessThan = s.truthful && nums.length > 0 ? Math.max(...nums) + 1 : num;
        break;
      }
      case "greaterThan": {
        const nums = values.filter((v): v is number => typeof v === "number");
        p.greaterThan = s.truthful && nums.length > 0 ? Math.min(...nums) - 1 : num;
        break;
      }
    }
  }
  return p;
}

/** A pattern every item matches when one exists: shared key-value pairs, or the one shared value. */
function commonPattern(items: Json[], pick: number): Json {
  if (items.length === 0) return { ok: true };
  if (items.every(isObject)) {
    const first = items[0] as { [key: string]: Json };
    const shared: { [key: string]: Json } = {};
    for (const k of Object.keys(first)) {
      if (
        items.every(
          (i) =>
            Object.hasOwn(i as object, k) && sameJson((i as Record<string, Json>)[k], first[k]),
        )
      )
        shared[k] = first[k]!;
    }
    const keys = Object.keys(shared);
    // Sometimes the empty pattern, which every object matches.
    if (pick % 5 === 0 || keys.length === 0) return {};
    return Object.fromEntries(keys.slice(0, 1 + (pick % keys.length)).map((k) => [k, shared[k]!]));
  }
  return items.every((i) => sameJson(i, items[0])) ? items[0]! : items[pick % items.length]!;
}

function partial(item: Json, pick: number): Json {
  if (!isObject(item)) return item;
  const keys = Object.keys(item);
  if (keys.length === 0) return {};
  const k = keys[pick % keys.length]!;
  return { [k]: item[k]! };
}
