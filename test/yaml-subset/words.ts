// Word lists for generate.ts: scalars, keys, escapes and damage, most of them
// chosen because the yaml package reads them in some special way.

/** Scalars with special meanings, or none: numbers, nulls, booleans, indicators. */
// biome-ignore format: a table
export const WORDS = [
  "a", "b c", "name", "path", "1", "-5", "+1", "007", "0o17", "0o8", "0x1F", "0xg", "1.5", "1.",
  ".5", "1e3", "-2.5E-3", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "~", "null", "Null", "NULL",
  "nULL", "true", "False", "TRUE", "tRUE", "yes", "no", "on", "off", "1_000", "0b11", "1:2",
  "$.checks[21:27]", "$.checks[?@.name == 'x'].ok", "/v1/{{run.id}}/x", "a:b", "a #b", "a#b",
  "http://x.dev:8080/p?q=1", "<<", "__proto__", "constructor", "toString", "-", "--", "---",
  "...", "a,b", "[a]", "{a}", "*x", "&x", "!x", "!!str x", "|", ">", "?", ":", "? a", "@a", "`a",
  "%a", "'a'", '"a"', "a'b", 'a"b', "\\n", "\u00e9t\u00e9", "\u00a0", "a\u00a0", "\u{1F600}",
  " a", "a ", "-a", "-.5", "- a", "a: b", "{{env.X}}", "Bearer {{env.T}}", "x\u2003y",
];

/** Words the subset reads, so that most texts stay within it. */
// biome-ignore format: a table
export const PLAIN = [
  "a", "name", "gate 7", "api", "GET", "200", "10s", "true", "$.id", "/v1/x?n=1", "x-{{run.id}}",
  "application/json", "x.y", "1.5", "null", "Bearer {{env.T}}",
];

/** Double-quoted escapes, valid and not. */
// biome-ignore format: a table
export const ESCAPES = [
  "\\n", "\\t", "\\\\", '\\"', "\\/", "\\x41", "\\u00e9", "\\U0001F600", "\\ud800", "\\q",
  "\\x4", "\\U00110000", "\\0", "\\e", "\\N", "\\_", "\\L", "\\ ",
];

/** Keys are mostly the strings gate files use. */
// biome-ignore format: a table
export const KEYS = [
  "name", "host", "request", "path", "expect", "status", "body", "count", "every", "ok", "steps",
  "method", "headers", "X-Receipt", "a b", "$.x", "__proto__", "toString",
];

/** Text inserted anywhere: indicators, tabs, line ends, markers, odd characters. */
// biome-ignore format: a table
export const DAMAGE = [
  "\t", "\r", "#", ": ", ":", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "!t ", "|\n",
  ">-\n", "? ", "%YAML 1.2\n", "...\n", "---\n", "--- ", "  ", " ", "\n", "\n\n", "'", '"', "\\",
  "\u00a0", "\ufeff", "\u2028", "\x85", "\x00", "a", "b: c\n", "- x\n", "  - y\n", "\r\n",
];
