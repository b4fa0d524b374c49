/** Strict deep equality for JSON values: `"true"` is not `true`, arrays compare in order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ak = Object.keys(a as object);
  const bo = b as Record<string, unknown>;
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every(
    (k) => Object.hasOwn(bo, k) && deepEqual((a as Record<string, unknown>)[k], bo[k]),
  );
}

/**
 * Why `value` does not match `pattern`, or undefined when it does. An object
 * pattern matches an object with each given key matching (extra keys allowed);
 * arrays and scalars must be equal.
 */
export function mismatch(value: unknown, pattern: unknown, at = ""): string | undefined {
  if (pattern !== null && typeof pattern === "object" && !Array.isArray(pattern)) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return `${at || "value"} is ${show(value)}, expected an object`;
    }
    for (const [key, want] of Object.entries(pattern)) {
      const here = at ? `${at}.${key}` : key;
      if (!Object.hasOwn(value, key)) return `${here} is missing`;
      const why = mismatch((value as Record<string, unknown>)[key], want, here);
      if (why) return why;
    }
    return undefined;
  }
  if (deepEqual(value, pattern)) return undefined;
  return `${at || "value"} is ${show(value)}, expected ${show(pattern)}`;
}

export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * A short JSON rendering for messages. A long one is cut only between JSON
 * tokens or at a space inside a string, never inside a word: a secret the
 * server echoed back must not survive in part, where redaction cannot see it.
 */
export function show(value: unknown, max = 80): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  if (text.length <= max) return text;
  let cut = 0;
  let inString = false;
  for (let i = 0; i < max - 1; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      else if (c === " ") cut = i;
    } else if (c === '"') {
      cut = i;
      inString = true;
    } else cut = i + 1;
  }
  return `${text.slice(0, cut)}…`;
}
