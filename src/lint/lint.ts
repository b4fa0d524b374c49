import { readFile } from "node:fs/promises";
import path from "node:path";
import { expandGlobs } from "../config/glob.js";
import { configFile, loadConfig } from "../config/load-config.js";
import { loadGates } from "../config/load-gates.js";
import type { Config, Gate } from "../config/model.js";
import { formatProblem, InputError, type Problem, problem } from "../errors.js";
import { compileSchema } from "../plan/schemas.js";
import { type CommandParser, checkRunbook, type OtherConfig } from "./runbook.js";
import { runRules } from "./rules.js";

export interface LintOptions {
  cwd?: string;
  /** shipgate.yaml by default. */
  config?: string;
  /** RUNBOOK.md by default, relative to the working directory. */
  runbook?: string;
  /** The CLI's grammar, to check the runbook's shipgate commands. */
  parseCommand?: CommandParser;
}

export interface LintResult {
  problems: Problem[];
  /** Things lint did not check, and why (no runbook, config unreadable). */
  notes: string[];
  config?: Config;
  gates: Gate[];
  /** Gate files that did not load; their gates are missing from `gates`. */
  brokenFiles: string[];
}

/** `shipgate lint` without --audit: every problem of config, gates and runbook at once. */
export async function lintProject(opts: LintOptions = {}): Promise<LintResult> {
  const cwd = opts.cwd ?? process.cwd();
  const result: LintResult = { problems: [], notes: [], gates: [], brokenFiles: [] };
  try {
    result.config = await loadConfig(opts.config, cwd);
  } catch (error: unknown) {
    if (!(error instanceof InputError)) throw error;
    result.problems.push(...error.problems);
    result.notes.push("gates and runbook not checked: the config must load first");
    return result;
  }
  const config = result.config;

  await loadEachGateFile(config, result);
  result.problems.push(...duplicateNames(result.gates));
  result.problems.push(...runRules(config, result.gates));
  result.problems.push(...(await checkSchemaFiles(result.gates)));
  await lintRunbook(cwd, opts, result);
  result.problems.sort(byPlace);
  return result;
}

/** One file at a time, so a broken file hides none of the others' problems. */
async function loadEachGateFile(config: Config, result: LintResult): Promise<void> {
  const files = await expandGlobs(config.dir, config.gateGlobs);
  if (files.length === 0) {
    result.problems.push(
      problem(config.file, `no gate files match ${config.gateGlobs.join(", ")}`, {
        ...config.source.locate(["gates"]),
        code: "no-gates",
      }),
    );
  }
  for (const file of files) {
    try {
      result.gates.push(...(await loadGates(config, [path.join(config.dir, file)])));
    } catch (error: unknown) {
      if (!(error instanceof InputError)) throw error;
      result.problems.push(...error.problems);
      result.brokenFiles.push(file);
    }
  }
}

function duplicateNames(gates: Gate[]): Problem[] {
  const seen = new Map<string, Gate>();
  const problems: Problem[] = [];
  for (const gate of gates) {
    const first = seen.get(gate.name);
    if (!first) {
      seen.set(gate.name, gate);
      continue;
    }
    problems.push(
      problem(
        gate.file,
        `gate name "${gate.name}" is already used at ${first.file}:${first.position.line}; names must be unique`,
        { ...gate.source.locate(["name"]), code: "duplicate-gate" },
      ),
    );
  }
  return problems;
}

async function checkSchemaFiles(gates: Gate[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const gate of gates) {
    for (const step of [...gate.steps, ...gate.teardown]) {
      const ref = step.expect.schema;
      if (!ref) continue;
      const at = { ...(step.expect.positions.schema ?? gate.position), code: "schema-file" };
      try {
        const schema = ref.file ? JSON.parse(await readFile(ref.file, "utf8")) : ref.inline;
        await compileSchema(schema as object);
      } catch (error: unknown) {
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        problems.push(
          problem(
            gate.file,
            missing
              ? `schema file ${ref.label} not found`
              : `schema ${ref.label} cannot be used: ${(error as Error).message}`,
            at,
          ),
        );
      }
    }
  }
  return problems;
}

async function lintRunbook(cwd: string, opts: LintOptions, result: LintResult): Promise<void> {
  // The default runbook sits beside shipgate.yaml; a --runbook path is the user's, from cwd.
  const runbook = opts.runbook ?? "RUNBOOK.md";
  const base = runbook === "RUNBOOK.md" ? result.config!.dir : cwd;
  const file = path.resolve(base, runbook);
  const display = path.relative(cwd, file) || runbook;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    result.notes.push(`runbook checks skipped: there is no ${display}`);
    return;
  }
  if (result.brokenFiles.length > 0)
    result.notes.push(
      `${display}: gates in ${result.brokenFiles.join(", ")} did not load, so URLs and commands naming them were not checked`,
    );
  result.problems.push(
    ...(await checkRunbook({
      config: result.config!,
      gates: result.gates,
      text,
      file: display,
      parseCommand: opts.parseCommand,
      loadConfig: otherConfigLoader(result.config!.dir),
    })),
  );
}

/**
 * Loads the other configs runbook commands name with --config (from the
 * config folder, where the runbook's commands run), each once, with its gates.
 */
function otherConfigLoader(dir: string): (configPath: string) => Promise<OtherConfig> {
  const loaded = new Map<string, Promise<OtherConfig>>();
  const load = async (file: string): Promise<OtherConfig> => {
    const other: LintResult = { problems: [], notes: [], gates: [], brokenFiles: [] };
    try {
      other.config = await loadConfig(file, dir);
    } catch (error: unknown) {
      if (!(error instanceof InputError)) throw error;
      const first = error.problems[0];
      return { problem: first ? formatProblem(first) : "it has problems" };
    }
    await loadEachGateFile(other.config, other);
    return { config: other.config, gates: other.gates };
  };
  return (configPath) => {
    const file = configFile(configPath, dir);
    let found = loaded.get(file);
    if (!found) {
      found = load(file);
      loaded.set(file, found);
    }
    return found;
  };
}

function byPlace(a: Problem, b: Problem): number {
  return (
    a.file.localeCompare(b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0)
  );
}
