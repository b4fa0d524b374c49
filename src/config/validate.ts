import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import { type Problem, problem } from "../errors.js";
import type { KeyPath, SourceDocument } from "./yaml-source.js";

export type SchemaName = "config" | "gate";

const require = createRequire(import.meta.url);
const validators = new Map<SchemaName, ValidateFunction>();

/** The JSON Schema shipped in schema/, as data. */
export function schemaOf(name: SchemaName): Record<string, unknown> {
  return require(`../../schema/${name}.json`) as Record<string, unknown>;
}

async function validatorFor(name: SchemaName): Promise<ValidateFunction> {
  const cached = validators.get(name);
  if (cached) return cached;
  const validate = (await precompiled(name)) ?? (await compiled(name));
  validators.set(name, validate);
  return validate;
}

/**
 * The validator `npm run build` generated with ajv's standalone code, which
 * spares loading ajv and compiling the schema at start-up (most of a one-gate
 * check). Undefined when there is none, or when the schema changed since.
 */
async function precompiled(name: SchemaName): Promise<ValidateFunction | undefined> {
  let generated: typeof import("./schema-validators.generated.js");
  try {
    generated = await import("./schema-validators.generated.js");
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
  const text = readFileSync(require.resolve(`../../schema/${name}.json`), "utf8");
  const hash = createHash("sha256").update(text).digest("hex");
  return generated.schemaHashes[name] === hash ? generated[name] : undefined;
}

/** Compiles the shipped schema with ajv, with the options the build uses for standalone code. */
async function compiled(name: SchemaName): Promise<ValidateFunction> {
  const { default: Ajv } = await import("ajv");
  const ajv = new Ajv.default({
    allErrors: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
  });
  return ajv.compile(schemaOf(name));
}

/** Validates one document against a shipped schema; every error becomes a located problem. */
export async function validateDocument(doc: SourceDocument, name: SchemaName): Promise<Problem[]> {
  const validate = await validatorFor(name);
  if (validate(doc.value)) return [];
  return explain(validate.errors ?? []).map((e) => toProblem(doc, e));
}

interface Explained {
  path: KeyPath;
  message: string;
  atKey: boolean;
}

/**
 * Turns ajv's raw errors into one message per real mistake. Errors inside an
 * `anyOf` are kept only for the one branch whose type fits the value; when no
 * single branch fits, the `anyOf` says what it expected.
 */
function explain(errors: ErrorObject[]): Explained[] {
  const anyOfs = errors.filter((e) => e.keyword === "anyOf");
  const kept = errors.filter((e) => {
    if (e.keyword === "anyOf") return !hasFittingBranch(e, errors);
    const owner = anyOfs.find((a) => e.schemaPath.startsWith(`${a.schemaPath}/`));
    if (!owner) return true;
    const branch = fittingBranch(owner, errors);
    return branch !== undefined && e.schemaPath.startsWith(`${owner.schemaPath}/${branch}/`);
  });
  return kept.map(describe);
}

function branchesOf(anyOf: ErrorObject): number {
  return Array.isArray(anyOf.schema) ? anyOf.schema.length : 0;
}

/** The single branch of an anyOf with no type error at the anyOf's own value, if exactly one. */
function fittingBranch(anyOf: ErrorObject, errors: ErrorObject[]): number | undefined {
  const fits: number[] = [];
  for (let i = 0; i < branchesOf(anyOf); i++) {
    const prefix = `${anyOf.schemaPath}/${i}/`;
    const typeMiss = errors.some(
      (e) =>
        e.schemaPath.startsWith(prefix) &&
        e.instancePath === anyOf.instancePath &&
        (e.keyword === "type" ||
          e.keyword === "const" ||
          e.keyword === "enum" ||
          e.keyword === "pattern" ||
          e.keyword === "required"),
    );
    if (!typeMiss) fits.push(i);
  }
  return fits.length === 1 ? fits[0] : undefined;
}

function hasFittingBranch(anyOf: ErrorObject, errors: ErrorObject[]): boolean {
  return fittingBranch(anyOf, errors) !== undefined;
}

function describe(e: ErrorObject): Explained {
  const path = pointerToPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const expected = (e.parentSchema as { description?: string } | undefined)?.description;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const guess = closest(key, allowed);
      const advice = guess
        ? `; did you mean "${guess}"?`
        : allowed.length
          ? `; allowed: ${allowed.join(", ")}`
          : "";
      return { path: [...path, key], atKey: true, message: `unknown key "${key}"${advice}` };
    }
    case "required":
      return {
        path,
        atKey: false,
        message: `missing required key "${String(params.missingProperty)}"`,
      };
    case "type":
      return {
        path,
        atKey: false,
        message: `expected ${expected ?? `a value of type ${String(params.type)}`}, got ${typeName(e.data)}`,
      };
    case "enum":
      return {
        path,
        atKey: false,
        message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify(e.data)}`,
      };
    case "const":
      return {
        path,
        atKey: false,
        message: `expected ${JSON.stringify(params.allowedValue)}, got ${JSON.stringify(e.data)}`,
      };
    case "pattern":
      return {
        path,
        atKey: false,
        message: `expected ${expected ?? `text matching ${String(params.pattern)}`}, got ${JSON.stringify(e.data)}`,
      };
    case "anyOf":
      return {
        path,
        atKey: false,
        message: `expected ${expected ?? "a different value"}, got ${shortValue(e.data)}`,
      };
    case "propertyNames":
      return { path, atKey: false, message: `invalid name ${JSON.stringify(params.propertyName)}` };
    case "minProperties":
      return {
        path,
        atKey: false,
        message: `must not be empty: give at least ${String(params.limit)} key(s)`,
      };
    case "minItems":
      return { path, atKey: false, message: `must list at least ${String(params.limit)} item(s)` };
    default:
      return { path, atKey: false, message: e.message ?? e.keyword };
  }
}

function toProblem(doc: SourceDocument, e: Explained): Problem {
  const pos = doc.locate(e.path, { key: e.atKey });
  return problem(doc.file, e.message, { ...pos, path: formatPath(e.path), code: "schema" });
}

export function pointerToPath(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `expect.body[0].path` from `["expect", "body", 0, "path"]`. */
export function formatPath(path: KeyPath): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${shortValue(v)}`;
}

function shortValue(v: unknown): string {
  // JSON has no Infinity: `count: 1e400` must not read as "null".
  const text =
    typeof v === "number" && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The allowed key nearest to a misspelling, when it is near enough to be a likely typo. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3))
    ? best
    : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length]!;
}
