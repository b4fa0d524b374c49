/**
 * The tokens of JSON text as bytes: strings between their quotes, numbers and
 * the three literals, each checked against RFC 8259 and turned into the value
 * JSON.parse gives for the same UTF-8 text.
 */

/** A JSON text that is not valid; `offset` counts bytes from the start of the input. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    /** True when the input stopped before the value was complete. */
    readonly endedEarly: boolean,
  ) {
    super(endedEarly ? "the JSON ends too early" : `unexpected byte at offset ${offset}`);
  }
}

/** Buffer's own latin1 decoder without toString's encoding lookup; Node has it, its types do not. */
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice(start: number, end: number): string }
).latin1Slice;

/** ASCII bytes as a string; short ones by char codes, which beats a native call per token. */
export function asciiText(bytes: Buffer, start: number, end: number): string {
  if (end - start > 8) return latin1Slice.call(bytes, start, end);
  let text = "";
  let i = start;
  for (; i + 3 < end; i += 4)
    text += String.fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!);
  for (; i < end; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

const KEY_SLOTS = 1024;

/**
 * Object keys seen before, so a key repeated across a million objects is one
 * string, already internalized: no allocation, and property stores find it
 * without hashing it again. A slot holds the last key that hashed to it.
 */
export class KeyCache {
  #slots: (string | undefined)[] = new Array(KEY_SLOTS).fill(undefined);

  /** The ASCII key bytes[start, end). */
  key(bytes: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length === 0 || length > 32) return asciiText(bytes, start, end);
    const slot =
      (length * 131 + bytes[start]! * 31 + bytes[end - 1]! * 7 + bytes[start + (length >> 1)]!) &
      (KEY_SLOTS - 1);
    const cached = this.#slots[slot];
    if (cached !== undefined && cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === bytes[start + i]) i++;
      if (i === length) return cached;
    }
    const key = internalized(asciiText(bytes, start, end));
    this.#slots[slot] = key;
    return key;
  }
}

/** The engine's one copy of a string, as property names are kept. */
function internalized(text: string): string {
  return Object.keys({ [text]: 0 })[0]!;
}

/** The text of each escape but `\u`, by the byte after the backslash. */
const SIMPLE_ESCAPES: (string | undefined)[] = [];
const ESCAPED = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
for (const [letter, text] of Object.entries(ESCAPED)) SIMPLE_ESCAPES[letter.charCodeAt(0)] = text;

/**
 * The string whose bytes between the quotes are bytes[start, end) and contain
 * at least one backslash. `base` is the input offset of bytes[0], for errors.
 * The scanner has already refused raw control characters and guarantees a
 * byte after every backslash; the runs between escapes start and end at ASCII
 * bytes, so decoding each alone gives what decoding the whole text would.
 */
export function escapedText(bytes: Buffer, start: number, end: number, base: number): string {
  let text = "";
  let run = start;
  let i = start;
  while (i < end) {
    if (bytes[i] !== 0x5c) {
      i++;
      continue;
    }
    if (i > run) text += bytes.toString("utf8", run, i);
    const kind = bytes[i + 1]!;
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      text += simple;
      i += 2;
    } else if (kind === 0x75 && i + 6 <= end) {
      text += String.fromCharCode(hexUnit(bytes, i + 2, base));
      i += 6;
    } else throw new JsonSyntaxError(base + i + 1, false);
    run = i;
  }
  if (end > run) text += bytes.toString("utf8", run, end);
  return text;
}

function hexUnit(bytes: Buffer, at: number, base: number): number {
  let unit = 0;
  for (let i = at; i < at + 4; i++) {
    const digit = hexDigit(bytes[i]!);
    if (digit < 0) throw new JsonSyntaxError(base + i, false);
    unit = unit * 16 + digit;
  }
  return unit;
}

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

const isDigit = (byte: number | undefined): boolean =>
  byte !== undefined && byte >= 0x30 && byte <= 0x39;

/**
 * The value of the bare token bytes[start, end): a number, true, false or
 * null. Anything else, `01`, `1.`, `+1`, `NaN`, `truex`, is an error at the
 * token's first byte plus `base`.
 */
export function bareValue(bytes: Buffer, start: number, end: number, base: number): unknown {
  const first = bytes[start]!;
  if (first === 0x2d || isDigit(first)) return numberValue(bytes, start, end, base);
  if (isWord(bytes, start, end, TRUE)) return true;
  if (isWord(bytes, start, end, FALSE)) return false;
  if (isWord(bytes, start, end, NULL)) return null;
  throw new JsonSyntaxError(base + start, false);
}

const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");
const NULL = Buffer.from("null");

function isWord(bytes: Buffer, start: number, end: number, word: Buffer): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word[i]) return false;
  return true;
}

/** RFC 8259's number grammar; the value is Number() of the text, as JSON.parse's is. */
function numberValue(bytes: Buffer, start: number, end: number, base: number): number {
  let i = bytes[start] === 0x2d ? start + 1 : start;
  const digits = i;
  if (i < end && bytes[i] === 0x30) i++;
  else if (i < end && isDigit(bytes[i])) while (i < end && isDigit(bytes[i])) i++;
  else throw new JsonSyntaxError(base + i, false);
  const integer = i === end;
  if (i < end && bytes[i] === 0x2e) i = fractionEnd(bytes, i + 1, end, base);
  if (i < end && (bytes[i]! | 0x20) === 0x65) {
    i++;
    if (i < end && (bytes[i] === 0x2b || bytes[i] === 0x2d)) i++;
    i = fractionEnd(bytes, i, end, base);
  }
  if (i !== end) throw new JsonSyntaxError(base + i, false);
  // Up to 15 digits are exact in a double, so the sum is what Number() gives.
  if (integer && end - digits <= 15) {
    let value = 0;
    for (let d = digits; d < end; d++) value = value * 10 + bytes[d]! - 0x30;
    return digits > start ? -value : value;
  }
  return Number(bytes.toString("latin1", start, end));
}

/** The end of the one or more digits at `at`, which a `.` or an exponent requires. */
function fractionEnd(bytes: Buffer, at: number, end: number, base: number): number {
  if (at >= end || !isDigit(bytes[at])) throw new JsonSyntaxError(base + at, false);
  let i = at;
  while (i < end && isDigit(bytes[i])) i++;
  return i;
}
