/**
 * Loads one fuzzed gate file or config in-process and says how shipgate
 * refused it: the loader must throw an InputError naming the file, fast.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../../src/config/load-config.js";
import { loadGates } from "../../src/config/load-gates.js";
import { formatProblem, InputError } from "../../src/errors.js";
import { runCli } from "../helpers/cli.js";
import { makeProject, type Project } from "../helpers/project.js";
import { BASE_CONFIG, BASE_GATES } from "./input-fuzz.js";

export const GATE_FILE = "gates/fuzz.yaml";
export const CONFIG_FILE = "shipgate.yaml";

/** A project with a valid config and gate; the fuzz cases overwrite one of them. */
export function fuzzProject(): Promise<Project> {
  return makeProject({ [CONFIG_FILE]: BASE_CONFIG, [GATE_FILE]: BASE_GATES[0]! });
}

/** Writes the case over one file and the valid base over the other; returns the case's file. */
async function writeCase(
  project: Project,
  which: "gate" | "config",
  bytes: Buffer,
): Promise<string> {
  const [file, other, base] =
    which === "gate"
      ? [GATE_FILE, CONFIG_FILE, BASE_CONFIG]
      : [CONFIG_FILE, GATE_FILE, BASE_GATES[0]!];
  await writeFile(path.join(project.dir, other), base);
  await writeFile(path.join(project.dir, file), bytes);
  return file;
}

/** Why a refusal is wrong, or undefined when it is right. */
export async function refusalProblem(
  project: Project,
  which: "gate" | "config",
  bytes: Buffer,
): Promise<string | undefined> {
  const file = await writeCase(project, which, bytes);
  const load = async () => {
    const config = await loadConfig(CONFIG_FILE, project.dir);
    if (which === "gate") await loadGates(config);
  };
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<"hang">((resolve) => {
    timer = setTimeout(() => resolve("hang"), 5_000);
  });
  let outcome: unknown;
  try {
    outcome = await Promise.race([load().then(() => "accepted" as const), hang]);
  } catch (error: unknown) {
    outcome = error;
  } finally {
    clearTimeout(timer);
  }
  if (outcome === "hang") return "the loader did not finish within 5 s";
  if (outcome === "accepted") return "accepted an invalid file";
  if (!(outcome instanceof InputError))
    return `threw ${(outcome as Error)?.name}: ${(outcome as Error)?.stack ?? String(outcome)}`;
  const errors = outcome.problems.filter((p) => p.severity === "error");
  if (!errors.some((p) => p.file === file && formatProblem(p).startsWith(`${file}`)))
    return `no problem names ${file}: ${outcome.message}`;
  return undefined;
}

/** Why the real CLI's answer is wrong, or undefined when it exits 2 naming the file. */
export async function cliRefusalProblem(
  project: Project,
  which: "gate" | "config",
  bytes: Buffer,
): Promise<string | undefined> {
  const file = await writeCase(project, which, bytes);
  const res = await runCli(["check"], { cwd: project.dir, timeoutMs: 20_000 });
  const out = `exit ${res.code} ${res.signal ?? ""}\n${res.stdout}\n${res.stderr}`;
  if (res.code !== 2) return `exit code ${res.code} (${res.signal}): ${out}`;
  if (!res.stderr.includes(file)) return `stderr does not name ${file}: ${out}`;
  if (/internal error|^\s+at .+:\d+:\d+\)?$/m.test(res.stderr)) return `a stack trace: ${out}`;
  return undefined;
}
