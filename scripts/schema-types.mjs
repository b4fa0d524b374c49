// Generates src/config/schema-types/{config,gate}.ts from schema/*.json, so
// the published JSON Schemas and the TypeScript types of raw config and gate
// files never drift. `--check` fails when a generated file is stale.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { compile } from "json-schema-to-typescript";

const SCHEMAS = [
  ["config", "RawConfig"],
  ["gate", "RawGate"],
];

/** The generated text of each file, by schema name. */
export async function generate() {
  const out = {};
  for (const [name, title] of SCHEMAS) {
    const schema = JSON.parse(
      await readFile(new URL(`../schema/${name}.json`, import.meta.url), "utf8"),
    );
    schema.title = title;
    markAnyValues(schema);
    const body = await compile(schema, title, {
      bannerComment: "",
      additionalProperties: false,
      unreachableDefinitions: false,
      style: { printWidth: 100 },
    });
    out[name] =
      `// Generated from schema/${name}.json by scripts/schema-types.mjs; do not edit by hand.\n\n${body}`;
  }
  return out;
}

/**
 * A property with no type (`json`, `equals`, `every`, ...) holds any JSON
 * value; say so for the generator, in memory only, so the published schema
 * stays plain JSON Schema.
 */
function markAnyValues(node) {
  if (Array.isArray(node)) return node.forEach(markAnyValues);
  if (node === null || typeof node !== "object") return;
  for (const [key, child] of Object.entries(node)) {
    if (key === "properties") {
      for (const prop of Object.values(child)) {
        const typed = ["type", "anyOf", "oneOf", "$ref", "enum", "const"].some((k) => k in prop);
        if (!typed) prop.tsType = "unknown";
      }
    }
    markAnyValues(child);
  }
}

const dir = new URL("../src/config/schema-types/", import.meta.url);
const generated = await generate();
if (process.argv.includes("--check")) {
  let stale = false;
  for (const [name, text] of Object.entries(generated)) {
    const current = await readFile(new URL(`${name}.ts`, dir), "utf8").catch(() => "");
    if (current !== text) {
      console.error(
        `src/config/schema-types/${name}.ts is stale: run node scripts/schema-types.mjs`,
      );
      stale = true;
    }
  }
  process.exit(stale ? 1 : 0);
} else {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(generated))
    await writeFile(new URL(`${name}.ts`, dir), text);
}
