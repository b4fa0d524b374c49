/**
 * Whether a gate file or shipgate.yaml is valid, decided without the loader:
 * strict UTF-8, YAML without errors or warnings, nesting of at most 64
 * levels, the published JSON Schema, and the few cross-field rules SPEC.md
 * states. The fuzz tests keep only the cases this calls invalid.
 */
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
// strictNumbers: YAML can write .inf and .nan, which no JSON number is.
const ajv = new Ajv({
  allErrors: false,
  strict: false,
  strictNumbers: true,
  allowUnionTypes: true,
});
const gateSchema = ajv.compile(require("../../schema/gate.json"));
const configSchema = ajv.compile(require("../../schema/config.json"));

function utf8(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.startsWith("\uFEFF") ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

/** Collection nesting of a value: 0 for a scalar, 1 for a flat list. */
function depth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    deepest = Math.max(deepest, d + 1);
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}

/** The documents' values, or undefined when the YAML itself is not acceptable. */
function yamlValues(bytes: Uint8Array): unknown[] | undefined {
  const text = utf8(bytes);
  if (text === undefined) return undefined;
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
    if (!Array.isArray(docs)) return [];
    const values: unknown[] = [];
    for (const doc of docs) {
      if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
      if (doc.contents === null) continue;
      const value = doc.toJS({ maxAliasCount: 100 });
      if (depth(value) > 64) return undefined;
      values.push(value);
    }
    return values;
  } catch {
    return undefined;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

function stepIsValid(step: Obj): boolean {
  const r = step.request as Obj;
  if ((r.path === undefined) === (r.url === undefined)) return false;
  if (r.json !== undefined && r.body !== undefined) return false;
  if (r.contentType !== undefined && r.body === undefined) return false;
  return true;
}

function gateIsValid(g: unknown): boolean {
  if (!gateSchema(g) || !isObj(g)) return false;
  const steps = g.steps as Obj[] | undefined;
  if (steps && (g.request || g.expect)) return false;
  if (!steps && !g.request) return false;
  if (g.request && !g.expect) return false;
  if (g.teardown && !steps) return false;
  const all = [
    ...(steps ?? [{ request: g.request, expect: g.expect }]),
    ...((g.teardown as Obj[]) ?? []),
  ];
  if (!all.every(stepIsValid)) return false;
  if (steps?.every((s) => s.expect === undefined)) return false;
  return templatesResolve(g, steps ?? []);
}

const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}/g;

/** Every `{{name}}` is built in or captured by some step (order is not modelled). */
function templatesResolve(g: Obj, steps: Obj[]): boolean {
  const captured = new Set(steps.flatMap((s) => Object.keys((s.capture as Obj) ?? {})));
  const text = JSON.stringify(g);
  for (const m of text.matchAll(TEMPLATE)) {
    const name = m[1]!;
    if (name === "version" || name === "run.id" || name.startsWith("env.")) continue;
    if (!captured.has(name)) return false;
  }
  return true;
}

/**
 * A gate file is valid when every document is a valid gate and names are
 * unique. A file with no documents at all is accepted by shipgate (it adds no
 * gate), so it counts as valid here and the fuzz tests skip it.
 */
export function gateFileIsValid(bytes: Uint8Array): boolean {
  const values = yamlValues(bytes);
  if (!values) return false;
  if (!values.every(gateIsValid)) return false;
  const names = values.map((v) => (v as Obj).name);
  return new Set(names).size === names.length;
}

/** shipgate.yaml is valid when it is exactly one document that fits the schema. */
export function configFileIsValid(bytes: Uint8Array): boolean {
  const values = yamlValues(bytes);
  if (values?.length !== 1) return false;
  return configSchema(values[0]) as boolean;
}
