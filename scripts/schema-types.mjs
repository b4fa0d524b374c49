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
    const body = await compile(schema, title, {
      bannerComment: "",
      additionalProperties: false,
      unreachableDefinitions: false,
      style: { printWidth: 100 },
      strictIndexSignatures: true,
    });
    out[name] =
      `// Generated from schema/${name}.json by scripts/schema-types.mjs; do not edit by hand.\n\n${body}`;
  }
  return out;
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
