// Builds dist/: the config and gate schema validators compiled ahead of time,
// then the CLI bundled with esbuild. Start-up is most of a one-gate check, and
// most of start-up was Node resolving and loading hundreds of CommonJS files
// (ajv, undici, yaml, json-p3) and ajv compiling two schemas; a bundle with
// precompiled validators does neither. Lazy imports stay lazy: code splitting
// turns each `await import()` into its own chunk.
//
// Layout: every entry and chunk sits two levels below the package root
// (dist/cli/main.js, dist/chunks/*.js), so paths written relative to a source
// file in src/<dir>/ (package.json, schema/, gates/) resolve the same from dist.
import { createHash } from "node:crypto";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = new URL("../", import.meta.url);
const rootDir = fileURLToPath(root);
const require = createRequire(import.meta.url);

/** Schema names and the export each gets in the generated module. */
const SCHEMAS = ["config", "gate"];
export const GENERATED = "src/config/schema-validators.generated.js";

/**
 * Writes the standalone validators: ajv's own generated code for each schema,
 * with the same options validate.ts would compile with, so errors are the same
 * objects. Each schema's hash goes along, so a stale file is never trusted.
 */
export async function generateValidators() {
  const { default: Ajv } = require("ajv");
  const { default: standaloneCode } = require("ajv/dist/standalone");
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
    code: { source: true, esm: true },
  });
  const refs = {};
  const hashes = {};
  for (const name of SCHEMAS) {
    const text = await readFile(new URL(`schema/${name}.json`, root), "utf8");
    const schema = JSON.parse(text);
    ajv.addSchema(schema);
    refs[name] = schema.$id;
    hashes[name] = createHash("sha256").update(text).digest("hex");
  }
  let code = standaloneCode(ajv, refs);
  // ajv's ESM output still calls require() for its runtime helpers (such as
  // ucs2length for minLength). Inline each helper's CommonJS source, so the
  // module means the same under Node, vitest and esbuild, with no interop.
  const helpers = new Map();
  code = code.replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)/gi, (_, spec) => {
    const local = `runtime_${spec.split("/").pop()}`;
    helpers.set(local, spec);
    return local;
  });
  if (/\brequire\(/.test(code)) throw new Error("standalone validators still call require()");
  const inlined = [];
  for (const [local, spec] of helpers) {
    const source = (await readFile(require.resolve(spec), "utf8")).replace(/^\/\/# source.*$/m, "");
    if (/(?<!['"])\brequire\(/.test(source))
      throw new Error(`${spec} requires other modules; bundle it`);
    inlined.push(
      `const ${local} = (() => { const module = { exports: {} }; const exports = module.exports;\n${source}\nreturn module.exports; })();`,
    );
  }
  const header = [
    "// Generated from schema/*.json by scripts/build.mjs; do not edit, do not commit.",
    `export const schemaHashes = ${JSON.stringify(hashes)};`,
    ...inlined,
  ].join("\n");
  await writeFile(new URL(GENERATED, root), `${header}\n${code.replace(/^"use strict";/, "")}\n`);
}

async function bundle() {
  const entryPoints = ["src/cli/main.ts"];
  const result = await build({
    metafile: true,
    absWorkingDir: rootDir,
    entryPoints,
    outbase: "src",
    outdir: "dist",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20.19",
    // CommonJS dependencies call require() for Node's own modules.
    banner: {
      js: 'import { createRequire as __shipgateRequire } from "node:module"; const require = __shipgateRequire(import.meta.url);',
    },
    legalComments: "none",
    logLevel: "warning",
  });
  await removeStale(Object.keys(result.metafile.outputs));
  // Which modules went into which chunk, for profiling start-up.
  if (process.argv.includes("--meta"))
    await writeFile(new URL("dist/meta.json", root), JSON.stringify(result.metafile));
}

/**
 * Deletes what earlier builds left in dist/. Files of the last few minutes
 * stay: a CLI started from the previous build (a test running while another
 * builds in the same tree) may still load its lazy chunks.
 */
async function removeStale(outputs) {
  const keep = new Set(outputs.map((o) => path.resolve(rootDir, o)));
  const dist = path.join(rootDir, "dist");
  const cutoff = Date.now() - 5 * 60_000;
  for (const entry of await readdir(dist, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || keep.has(file)) continue;
    if ((await stat(file)).mtimeMs < cutoff) await rm(file, { force: true });
  }
}

await generateValidators();
await bundle();
