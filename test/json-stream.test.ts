import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonByteParser, JsonSyntaxError } from "../src/run/json-stream.js";

type Outcome = { ok: true; value: unknown } | { ok: false; error?: JsonSyntaxError };

/** What shipgate always did with a whole body: decode, drop one BOM, JSON.parse. */
function reference(bytes: Buffer): Outcome {
  const text = bytes.toString("utf8");
  try {
    return { ok: true, value: JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text) };
  } catch {
    return { ok: false };
  }
}

/** The streaming parser fed `bytes` cut at `cuts`; a non-syntax error fails the test. */
function streamed(bytes: Buffer, cuts: number[] = []): Outcome {
  const parser = new JsonByteParser();
  const ends = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  try {
    let from = 0;
    for (const end of [...ends, bytes.length]) {
      parser.push(bytes.subarray(from, end));
      from = end;
    }
    return { ok: true, value: parser.end() };
  } catch (error: unknown) {
    if (error instanceof JsonSyntaxError) return { ok: false, error };
    throw error;
  }
}

/**
 * Where two values differ, or undefined: sees -0, own `__proto__`, key order
 * and prototypes, which toEqual does not.
 */
function difference(a: unknown, b: unknown, path = "$"): string | undefined {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (typeof a !== "object" || a === null || b === null)
    return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototypes differ`;
  const keysA = Object.getOwnPropertyNames(a);
  const keysB = Object.getOwnPropertyNames(b as object);
  if (keysA.join("\u0000") !== keysB.join("\u0000"))
    return `${path}: keys ${JSON.stringify(keysA)} vs ${JSON.stringify(keysB)}`;
  for (const key of keysA) {
    const da = Object.getOwnPropertyDescriptor(a, key);
    const db = Object.getOwnPropertyDescriptor(b, key);
    if (!da || !db || da.enumerable !== db.enumerable || da.writable !== db.writable)
      return `${path}.${key}: descriptors differ`;
    const inner = difference(da.value, db.value, `${path}.${key}`);
    if (inner) return inner;
  }
  return undefined;
}

function expectSame(bytes: Buffer, cuts: number[] = []): Outcome {
  const want = reference(bytes);
  const got = streamed(bytes, cuts);
  const shown = JSON.stringify(bytes.toString("latin1"));
  expect(got.ok, `${shown} cut at ${cuts}`).toBe(want.ok);
  if (got.ok && want.ok) expect(difference(got.value, want.value), shown).toBeUndefined();
  return got;
}

/** Every way of cutting `bytes` in two and in three. */
function expectSameAnyCut(bytes: Buffer): void {
  expectSame(bytes);
  for (let i = 0; i <= bytes.length; i++) {
    expectSame(bytes, [i]);
    for (let j = i; j <= bytes.length; j += 3) expectSame(bytes, [i, j]);
  }
}

const space = fc
  .array(fc.constantFrom(" ", "\t", "\n", "\r"), { maxLength: 3 })
  .map((s) => s.join(""));

const numberText = fc.oneof(
  fc.double().map((d) => (Number.isFinite(d) ? JSON.stringify(d) : "1e400")),
  fc.integer().map(String),
  fc.constantFrom(
    "-0",
    "0.0",
    "-0.0e0",
    "1e400",
    "-1e-400",
    "1E+2",
    "5e-324",
    "123456789012345678",
  ),
);

const stringText = fc.oneof(
  fc.string({ unit: "binary" }).map((s) => JSON.stringify(s)),
  fc.string({ unit: "grapheme" }).map((s) => JSON.stringify(s)),
  // Escapes JSON.stringify never writes: lone surrogates, `\/`, upper-case hex.
  fc
    .array(
      fc.constantFrom("\\ud800", "\\uDC00", "\\ud83d\\ude00", "\\/", "\\u00E9", "é", "x", "\\\\"),
      { maxLength: 4 },
    )
    .map((parts) => `"${parts.join("")}"`),
);

const keyText = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "toString", "a", "b", "0", "10").map((k) => `"${k}"`),
  stringText,
);

const { document } = fc.letrec((tie) => ({
  document: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("scalar"),
    tie("array"),
    tie("object"),
  ),
  scalar: fc.oneof(numberText, stringText, fc.constantFrom("true", "false", "null")),
  array: fc
    .tuple(fc.array(fc.tuple(space, tie("document"), space), { maxLength: 5 }), space)
    .map(([items, inner]) => `[${items.map((i) => i.join("")).join(",") || inner}]`),
  // Keys drawn from a few, so duplicates are common.
  object: fc
    .tuple(
      fc.array(fc.tuple(space, keyText, space, space, tie("document"), space), { maxLength: 5 }),
      space,
    )
    .map(
      ([members, inner]) =>
        `{${members.map(([a, k, b, c, v, d]) => `${a}${k}${b}:${c}${v}${d}`).join(",") || inner}}`,
    ),
}));

const jsonBytes = fc
  .tuple(
    fc.boolean(),
    space,
    fc.oneof(
      document,
      fc.jsonValue().map((v) => JSON.stringify(v)),
    ),
    space,
  )
  .map(([bom, before, text, after]) =>
    Buffer.from(`${bom ? "\uFEFF" : ""}${before}${text}${after}`),
  );

const cuts = fc.array(fc.nat(), { maxLength: 8 });

describe("JsonByteParser", () => {
  it("when valid JSON arrives cut anywhere, then its value is JSON.parse's", () => {
    fc.assert(
      fc.property(jsonBytes, cuts, (bytes, at) => {
        const got = expectSame(bytes, at);
        expect(got.ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("when valid JSON is mutated or cut short, then it is refused exactly when JSON.parse refuses it", () => {
    const interesting = fc.constantFrom(
      ...[0x22, 0x5c, 0x2c, 0x5d, 0x7d, 0x5b, 0x7b, 0x3a, 0x30, 0x2d, 0x2e, 0x65, 0x20, 0x0b],
      ...[0x00, 0x1f, 0x7f, 0x80, 0xbf, 0xc3, 0xed, 0xef, 0xbb, 0xf0, 0xff, 0x75, 0x74],
    );
    const mutation = fc.record({
      kind: fc.constantFrom("set", "insert", "delete"),
      at: fc.nat(),
      byte: fc.oneof(interesting, fc.integer({ min: 0, max: 255 })),
    });
    fc.assert(
      fc.property(
        jsonBytes,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.option(fc.nat()),
        cuts,
        (valid, mutations, keep, at) => {
          const bytes = [...valid];
          for (const { kind, at: where, byte } of mutations) {
            const i = where % (bytes.length + 1);
            if (kind === "insert") bytes.splice(i, 0, byte);
            else if (i < bytes.length) {
              if (kind === "set") bytes[i] = byte;
              else bytes.splice(i, 1);
            }
          }
          const cut = keep === null ? bytes.length : keep % (bytes.length + 1);
          expectSame(Buffer.from(bytes.slice(0, cut)), at);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("when strings hold invalid UTF-8, then each bad sequence becomes U+FFFD as Buffer decodes it", () => {
    for (const hex of [
      "ff",
      "c3",
      "c3 28",
      "ed a0 80",
      "f0 9f 98",
      "c0 af",
      "e2 82",
      "f8 88 80 80 80",
    ]) {
      const bad = Buffer.from(hex.replaceAll(" ", ""), "hex");
      const text = [Buffer.from('["a'), bad, Buffer.from('b\\n",'), bad, Buffer.from('"]')];
      expectSameAnyCut(Buffer.concat(text));
    }
    expectSameAnyCut(Buffer.from('{"k\u00e9y":"\u{1f600} \\u00e9 \u00e9"}'));
  });

  it("when invalid UTF-8 is outside a string, then the text is refused", () => {
    for (const bad of [[0xff], [0xc2, 0xa0], [0xe3, 0x80, 0x80]]) {
      expect(streamed(Buffer.from([...bad, 0x31])).ok).toBe(false);
      expect(streamed(Buffer.from([0x5b, 0x31, ...bad, 0x5d])).ok).toBe(false);
    }
  });

  it("when the body starts with a BOM, then it is skipped once, even cut inside it", () => {
    expectSameAnyCut(Buffer.from('\uFEFF{"a":[1]}'));
    expectSameAnyCut(Buffer.from("\uFEFF\uFEFF1"));
    expectSameAnyCut(Buffer.from("\uFEFF"));
    expectSameAnyCut(Buffer.from([0xef, 0xbb, 0x31]));
    expectSameAnyCut(Buffer.from([0xef, 0xbb]));
    expectSameAnyCut(Buffer.from(" \uFEFF1"));
  });

  it("when arrays nest a million deep, then they parse without recursion", () => {
    const depth = 1_000_000;
    const bytes = Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`);
    const value = streamed(bytes, [1, 4096, depth, depth + 1]);
    expect(value.ok).toBe(true);
    let inner = value.ok ? value.value : undefined;
    for (let level = 1; level < depth; level++) {
      if (!Array.isArray(inner) || inner.length !== 1) throw new Error(`level ${level}`);
      inner = inner[0];
    }
    expect(inner).toEqual([]);
    const open = streamed(Buffer.from("[".repeat(depth)));
    expect(open.ok || open.error?.endedEarly).toBe(true);
    expect(streamed(Buffer.from(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`)).ok).toBe(
      true,
    );
  });

  it("when numbers sit at the edges of the grammar and of doubles, then they match JSON.parse", () => {
    const texts = [
      ...["0", "-0", "-0.0", "0e0", "1e400", "-1e400", "1e-400", "1E2", "1e+2", "1e-2", "0.5"],
      ...["9007199254740993", "123456789012345", "-123456789012345", "1234567890123456789012"],
      ...["1.7976931348623157e308", "5e-324", "2.2250738585072014e-308", "1.0000000000000001"],
      ...["-", "01", "-01", "00", "1.", ".5", "+1", "1e", "1e+", "1.e5", "0x10", "1ee2", "--1"],
      ...["NaN", "-NaN", "Infinity", "-Infinity", "1_000", "1.5.2", "1e5e5", "0.e1", "-.5"],
    ];
    for (const text of texts) {
      expectSameAnyCut(Buffer.from(text));
      expectSameAnyCut(Buffer.from(`[${text}]`));
      expectSameAnyCut(Buffer.from(`{"n": ${text} }`));
    }
    const negativeZero = streamed(Buffer.from("-0"));
    expect(negativeZero.ok && Object.is(negativeZero.value, -0)).toBe(true);
  });

  it("when the text breaks RFC 8259, then it is refused with the byte offset of the fault", () => {
    const refused: Array<[string, number]> = [
      ["[1,]", 3],
      ['{"a":1,}', 7],
      ["// c\n1", 0],
      ["/* */1", 0],
      ["[01]", 2],
      ["[+1]", 1],
      ['"a\u0001"', 2],
      ['"a\tb"', 2],
      ['"\\x"', 2],
      ['"\\u12G4"', 5],
      ["1 2", 2],
      ["{} x", 3],
      ["[1 2]", 3],
      ['{"a" 1}', 5],
      ["{1:2}", 1],
      ["{'a':1}", 1],
      ["\u000b1", 0],
      ["[1}", 2],
      ["{]", 1],
      [",", 0],
      ["tru e", 0],
      ["True", 0],
    ];
    for (const [text, offset] of refused) {
      const got = expectSame(Buffer.from(text));
      expect(got.ok ? "accepted" : got.error?.offset, text).toBe(offset);
      expect(got.ok || got.error?.endedEarly, text).toBe(false);
    }
  });

  it("when the text stops before its value is whole, then it ends too early", () => {
    for (const text of ["", "  ", "[", "{", '{"a"', '{"a":', "[1,", '"abc', '"ab\\', "tru", "-"]) {
      const got = streamed(Buffer.from(text));
      expect(got.ok, text).toBe(false);
      expect(reference(Buffer.from(text)).ok, text).toBe(false);
      if (text !== "-" && text !== "tru") expect(got.ok || got.error?.endedEarly, text).toBe(true);
    }
  });

  it("when keys are __proto__, constructor or repeated, then they are own properties as JSON.parse makes them", () => {
    const text = '{"b":1,"__proto__":{"polluted":true},"constructor":2,"toString":3,"b":4,"1":5}';
    const got = expectSame(Buffer.from(text));
    const value = got.ok ? (got.value as Record<string, unknown>) : {};
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["1", "b", "__proto__", "constructor", "toString"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expectSameAnyCut(Buffer.from('{"__proto__":1,"__proto__":[2]}'));
  });

  it("when a push fails, then every later call fails the same way", () => {
    const parser = new JsonByteParser();
    expect(() => parser.push(Buffer.from("[1,,"))).toThrow(JsonSyntaxError);
    expect(() => parser.push(Buffer.from("2]"))).toThrow(JsonSyntaxError);
    expect(() => parser.end()).toThrow(JsonSyntaxError);
  });
});
