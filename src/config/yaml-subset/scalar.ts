// Single-line scalars of the YAML subset: plain, 'single' and "double" quoted.
// Each reader returns where the scalar ends, or throws OutsideSubset when the
// text is anything the subset does not cover, so the yaml package decides.

/** Thrown when text leaves the subset; the caller falls back to the yaml package. */
export class OutsideSubset extends Error {}

export function outside(): never {
  throw new OutsideSubset();
}

/** Longer implicit keys draw an error from the yaml package (its limit is 1024). */
export const MAX_KEY_LENGTH = 1000;

export interface ScalarRead {
  value: unknown;
  /** Index just past the scalar (past the closing quote, before trailing spaces). */
  end: number;
}

/**
 * What a plain scalar means under the YAML 1.2 core schema, in the order the
 * yaml package tries its default tags (null, bool, 0o, decimal, 0x, .inf/.nan,
 * exponent, fraction); anything else is a string.
 */
export function resolvePlain(s: string): unknown {
  // Only these first characters (or none) can make anything but a string.
  if (s.length > 0 && !"~nNtTfF+-.0123456789".includes(s[0] as string)) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === "t" || s[0] === "T";
  if (OCT.test(s)) return Number.parseInt(s.substring(2), 8);
  if (INT.test(s)) return Number.parseInt(s, 10);
  if (HEX.test(s)) return Number.parseInt(s.substring(2), 16);
  if (INF_NAN.test(s)) {
    if (s.slice(-3).toLowerCase() === "nan") return Number.NaN;
    return s[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (EXP.test(s) || FRACTION.test(s)) return Number.parseFloat(s);
  return s;
}

// The yaml package's core-schema tests; module constants, since a regular
// expression literal makes a new object each time it is evaluated.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const INF_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FRACTION = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/**
 * A plain scalar may start with any character but YAML's indicators; of those
 * only `-` is let in, and only before a letter, digit or dot (`-5`, `-.inf`).
 */
const DASH_FOLLOWER = /[0-9A-Za-z.]/;

function plainMayStart(line: string, i: number): boolean {
  const c = line[i];
  if (c === undefined || c === " ") return false;
  if (c === "-") return DASH_FOLLOWER.test(line[i + 1] ?? "");
  return !"?:,[]{}#&*!|>'\"%@`".includes(c);
}

/**
 * Reads a plain scalar in block context: it ends at a comment (` #`), at a
 * `: ` or a line-ending `:` (which makes it a key), or at the end of the line.
 * Returns the raw text; `end` is where the text stops, trailing spaces excluded.
 */
export function readBlockPlain(line: string, i: number): { raw: string; end: number } {
  if (!plainMayStart(line, i)) outside();
  let j = i;
  while (j < line.length) {
    const c = line[j];
    if (c === ":" && (j + 1 === line.length || line[j + 1] === " ")) break;
    if (c === "#" && line[j - 1] === " ") break;
    j++;
  }
  let end = j;
  while (line[end - 1] === " ") end--;
  return { raw: line.slice(i, end), end };
}

/**
 * Reads a plain scalar inside a flow collection: it ends at `,`, a bracket or
 * a `:`. Quotes, comments and colons inside it are left to the yaml package.
 */
export function readFlowPlain(line: string, i: number): { raw: string; end: number } {
  if (!plainMayStart(line, i)) outside();
  let j = i;
  while (j < line.length) {
    const c = line[j] as string;
    if (",[]{}:".includes(c)) break;
    if (c === "'" || c === '"' || (c === "#" && line[j - 1] === " ")) outside();
    j++;
  }
  let end = j;
  while (line[end - 1] === " ") end--;
  if (end === i) outside();
  return { raw: line.slice(i, end), end };
}

/** A quoted scalar that opens at `i` and closes on the same line. */
export function readQuoted(line: string, i: number): ScalarRead {
  return line[i] === "'" ? readSingleQuoted(line, i) : readDoubleQuoted(line, i);
}

function readSingleQuoted(line: string, i: number): ScalarRead {
  let value = "";
  let j = i + 1;
  for (;;) {
    const close = line.indexOf("'", j);
    if (close < 0) outside();
    value += line.slice(j, close);
    if (line[close + 1] !== "'") return { value, end: close + 1 };
    value += "'";
    j = close + 2;
  }
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
};

const HEX_DIGITS: Record<string, RegExp> = {
  x: /^[0-9a-fA-F]{2}$/,
  u: /^[0-9a-fA-F]{4}$/,
  U: /^[0-9a-fA-F]{8}$/,
};

function readDoubleQuoted(line: string, i: number): ScalarRead {
  let value = "";
  let j = i + 1;
  for (;;) {
    const c = line[j];
    if (c === undefined) outside();
    if (c === '"') return { value, end: j + 1 };
    if (c !== "\\") {
      value += c;
      j++;
      continue;
    }
    const e = line[j + 1] ?? "";
    const digits = Object.hasOwn(HEX_DIGITS, e) ? HEX_DIGITS[e] : undefined;
    if (digits === undefined) {
      const escaped = Object.hasOwn(ESCAPES, e) ? ESCAPES[e] : undefined;
      if (escaped === undefined) outside();
      value += escaped;
      j += 2;
      continue;
    }
    const length = e === "x" ? 2 : e === "u" ? 4 : 8;
    const hex = line.slice(j + 2, j + 2 + length);
    if (!digits.test(hex)) outside();
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff) outside();
    value += String.fromCodePoint(code);
    j += 2 + length;
  }
}
