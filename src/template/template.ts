/**
 * `{{name}}` substitution: captures, `{{version}}`, `{{env.NAME}}` and
 * `{{run.id}}`. Substitution only, never evaluation.
 */
const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}$/;

/** Every template name used in a value (strings inside objects and lists included). */
export function templateNames(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") {
    // matchAll copies the regex each call: skip the many strings with no template.
    if (value.includes("{{")) for (const m of value.matchAll(TEMPLATE)) into.add(m[1]!);
  } else if (Array.isArray(value)) {
    for (const v of value) templateNames(v, into);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      templateNames(k, into);
      templateNames(v, into);
    }
  }
  return into;
}

/** Built-in template names; everything else must be captured by an earlier step. */
export function isBuiltinTemplate(name: string): boolean {
  return name === "version" || name === "run.id" || name.startsWith("env.");
}

export function hasTemplate(value: unknown): boolean {
  return templateNames(value).size > 0;
}

/** Looks a name up; `undefined` means it cannot be resolved. */
export type Lookup = (name: string) => { value: unknown } | undefined;

export class TemplateError extends Error {
  readonly names: string[];
  constructor(names: string[]) {
    super(`cannot resolve ${names.map((n) => `{{${n}}}`).join(", ")}`);
    this.names = names;
  }
}

/** Substitutes templates; a template that is a whole string keeps the looked-up value's type. */
export function resolveTemplates<T>(value: T, lookup: Lookup): T {
  const missing: string[] = [];
  const out = substitute(value, lookup, missing);
  if (missing.length > 0) throw new TemplateError([...new Set(missing)]);
  return out as T;
}

function substitute(value: unknown, lookup: Lookup, missing: string[]): unknown {
  if (typeof value === "string") return substituteString(value, lookup, missing);
  if (Array.isArray(value)) return value.map((v) => substitute(v, lookup, missing));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty, not assignment: a `__proto__` key must stay a key, or
      // `every: {__proto__: {ok: true}}` would become `every: {}` and match anything.
      Object.defineProperty(out, String(substituteString(k, lookup, missing)), {
        value: substitute(v, lookup, missing),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

function substituteString(text: string, lookup: Lookup, missing: string[]): unknown {
  if (!text.includes("{{")) return text;
  const whole = WHOLE.exec(text);
  if (whole) {
    const found = lookup(whole[1]!);
    if (!found) missing.push(whole[1]!);
    return found?.value;
  }
  return text.replace(TEMPLATE, (_, name: string) => {
    const found = lookup(name);
    if (!found) {
      missing.push(name);
      return "";
    }
    return typeof found.value === "string" ? found.value : JSON.stringify(found.value);
  });
}
