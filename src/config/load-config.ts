import path from "node:path";
import { InputError, type Problem, problem } from "../errors.js";
import type { Config, Environment } from "./model.js";
import type { RawConfig } from "./schema-types/config.js";
import { parseDuration, parseSize } from "./units.js";
import { validateDocument } from "./validate.js";
import { loadYamlFile } from "./yaml-source.js";

export const DEFAULT_CONFIG = "shipgate.yaml";

/** Where the config file is: `--config PATH` (or shipgate.yaml) from the working directory. */
export function configFile(configPath = DEFAULT_CONFIG, cwd = process.cwd()): string {
  return path.resolve(cwd, configPath);
}

/** Loads and validates shipgate.yaml; every problem at once, as an InputError. */
export async function loadConfig(
  configPath = DEFAULT_CONFIG,
  cwd = process.cwd(),
): Promise<Config> {
  const absolute = configFile(configPath, cwd);
  const display = path.relative(cwd, absolute) || configPath;
  const source = await loadYamlFile(absolute, display);
  if (source.problems.some((p) => p.code === "read")) {
    throw new InputError([
      problem(
        display,
        `no config file; create one with \`shipgate init\` or point to it with --config PATH`,
        { code: "config-missing" },
      ),
    ]);
  }
  const problems: Problem[] = [...source.problems];
  if (source.documents.length !== 1 && source.problems.length === 0) {
    problems.push(
      problem(display, "shipgate.yaml must hold exactly one YAML document", {
        line: 1,
        column: 1,
        code: "schema",
      }),
    );
  }
  const doc = source.documents[0];
  if (doc) problems.push(...(await validateDocument(doc, "config")));
  if (problems.length > 0 || !doc) throw new InputError(problems);

  const raw = doc.value as RawConfig;
  const environments: Record<string, Environment> = {};
  for (const [name, env] of Object.entries(raw.environments)) {
    const hosts: Record<string, string> = {};
    for (const [key, url] of Object.entries(env.hosts)) hosts[key] = url.replace(/\/+$/, "");
    environments[name] = { name, protected: env.protected ?? false, hosts };
  }
  const gates = raw.gates ?? "gates/**/*.yaml";
  const release = raw.release ?? {};
  return {
    file: display,
    dir: path.dirname(absolute),
    environments,
    gateGlobs: Array.isArray(gates) ? gates : [gates],
    defaults: {
      timeoutMs: parseDuration(raw.defaults?.timeout ?? "10s"),
      maxBodyBytes: parseSize(raw.defaults?.maxBodySize ?? "10MB"),
      concurrency: raw.defaults?.concurrency ?? 8,
    },
    release: {
      tag: release.tag ?? "v{{version}}",
      remote: release.remote ?? "origin",
      branch: release.branch ?? "main",
      publish: release.publish ?? "none",
      npm: {
        access: release.npm?.access,
        tag: release.npm?.tag,
        provenance: release.npm?.provenance ?? false,
      },
      requireRehearsal: release.requireRehearsal ?? true,
    },
    source: doc,
  };
}

/** Picks the environment: `--env` names it, or the only one there is. */
export function selectEnvironment(config: Config, name: string | undefined): Environment {
  const names = Object.keys(config.environments);
  if (name === undefined) {
    if (names.length === 1) return config.environments[names[0]!]!;
    throw new InputError([
      problem(
        config.file,
        `several environments (${names.join(", ")}): choose one with --env NAME`,
        { code: "env-required" },
      ),
    ]);
  }
  const env = config.environments[name];
  if (!env) {
    throw new InputError([
      problem(config.file, `no environment "${name}"; environments: ${names.join(", ")}`, {
        ...config.source.locate(["environments"], { key: true }),
        code: "env-unknown",
      }),
    ]);
  }
  return env;
}
