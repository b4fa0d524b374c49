import type { AnySchema } from "ajv";
import { RE2JS } from "re2js";

type Validate = (value: unknown) => string[];

/** ajv's regExp engine backed by RE2: a hostile response cannot make `pattern` backtrack. */
function re2Engine(pattern: string): { test(text: string): boolean } {
  const re = RE2JS.compile(pattern);
  return { test: (text: string) => re.matcher(text).find() };
}
re2Engine.code = 'require("re2js").RE2JS.compile';

let ajvPromise: Promise<import("ajv").default> | undefined;

async function ajvForBodies(): Promise<import("ajv").default> {
  ajvPromise ??= (async () => {
    const [{ default: Ajv }, formats] = await Promise.all([import("ajv"), import("ajv-formats")]);
    const ajv = new Ajv.default({ allErrors: true, strict: false, code: { regExp: re2Engine } });
    // ajv-formats' default export under NodeNext is the module object.
    const addFormats =
      (formats.default as unknown as { default: (a: unknown) => void }).default ?? formats.default;
    (addFormats as (a: unknown) => void)(ajv);
    return ajv;
  })();
  return ajvPromise;
}

/** Compiles a gate's JSON Schema for response bodies; throws when the schema itself is invalid. */
export async function compileSchema(schema: object): Promise<Validate> {
  const ajv = await ajvForBodies();
  const validate = ajv.compile(schema as AnySchema);
  return (value) => {
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || "(root)"} ${e.message ?? e.keyword}`,
    );
  };
}
