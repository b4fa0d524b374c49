import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Config, Environment, Gate } from "../config/model.js";

/** Line endings as \n, and no trailing blank lines: a checkout on Windows hashes the same. */
export function normalise(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
}

/**
 * The gate's content hash: sha256 over its YAML document, the JSON Schema
 * files it references and the defaults that change what it checks (request
 * timeout, maximum body size). A change to any of them needs a new rehearsal.
 * The gate's own host is recorded beside the hash; the hosts of steps that
 * name another host key are part of the hash when the environment is given.
 */
export async function gateHash(
  gate: Gate,
  config: Config,
  environment?: Environment,
): Promise<string> {
  const hash = createHash("sha256");
  hash.update("shipgate gate hash v1\n");
  hash.update(`document\n${normalise(gate.source.text)}\n`);
  const schemas = new Map<string, string>();
  for (const step of [...gate.steps, ...gate.teardown]) {
    const ref = step.expect.schema;
    if (ref?.file) schemas.set(ref.label, ref.file);
  }
  for (const label of [...schemas.keys()].sort()) {
    let text: string;
    try {
      text = normalise(await readFile(schemas.get(label)!, "utf8"));
    } catch {
      text = "(missing)";
    }
    hash.update(`schema ${label}\n${text}\n`);
  }
  const defaults = {
    timeoutMs: config.defaults.timeoutMs,
    maxBodyBytes: config.defaults.maxBodyBytes,
  };
  hash.update(`defaults ${JSON.stringify(defaults)}\n`);
  const otherKeys = new Set(
    [...gate.steps, ...gate.teardown].map((s) => s.request.host).filter((k) => k !== gate.host),
  );
  for (const key of [...otherKeys].sort())
    hash.update(`host ${key} ${environment?.hosts[key] ?? "(unknown)"}\n`);
  return hash.digest("hex");
}
