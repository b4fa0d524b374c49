import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig, selectEnvironment } from "../config/load-config.js";
import { loadGates } from "../config/load-gates.js";
import type { Config, Environment, Gate } from "../config/model.js";
import { InputError, problem } from "../errors.js";
import { type Plan, planRun } from "../plan/plan.js";
import type { PlannedGate } from "../plan/plan.js";
import type { GateResult } from "../run/result.js";
import { type RunResult, runGates } from "../run/run-gates.js";
import type { Redactor } from "../template/redact.js";

export interface CheckOptions {
  cwd?: string;
  config?: string;
  env?: string;
  /** Gate files or globs; all of the config's gates when empty. */
  gates?: string[];
  /** `{{version}}`; package.json's version when left out. */
  version?: string;
  concurrency?: number;
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Picks a subset of the planned gates, such as one shard. */
  filter?: (gates: PlannedGate[]) => PlannedGate[];
  redactor?: Redactor;
  processEnv?: NodeJS.ProcessEnv;
  onPlanned?: (plan: Plan) => void;
  onGateStart?: (gate: PlannedGate) => void;
  onGateEnd?: (result: GateResult) => void;
}

export interface Loaded {
  config: Config;
  environment: Environment;
  gates: Gate[];
}

/** Loads config and gates and picks the environment; every input problem at once. */
export async function loadProject(
  opts: Pick<CheckOptions, "cwd" | "config" | "env" | "gates">,
): Promise<Loaded> {
  const config = await loadConfig(opts.config, opts.cwd);
  const environment = selectEnvironment(config, opts.env);
  const gates = await loadGates(config, opts.gates ?? []);
  return { config, environment, gates };
}

/** Plans the loaded gates for the environment; refuses when none applies. */
export async function planProject(loaded: Loaded, opts: CheckOptions): Promise<Plan> {
  const version = opts.version ?? (await packageVersion(loaded.config.dir));
  const plan = await planRun(loaded.config, loaded.environment, loaded.gates, {
    version,
    env: opts.processEnv,
    redactor: opts.redactor,
  });
  if (opts.filter) plan.gates = opts.filter(plan.gates);
  if (plan.gates.length === 0 && !opts.filter) {
    throw new InputError([
      problem(
        loaded.config.file,
        `no gate applies to environment ${loaded.environment.name}; a run with nothing to check is never green`,
        { code: "no-gates" },
      ),
    ]);
  }
  return plan;
}

/** `shipgate check`: load, plan, run. Never prints, never exits. */
export async function check(
  opts: CheckOptions,
): Promise<{ loaded: Loaded; plan: Plan; run: RunResult }> {
  const loaded = await loadProject(opts);
  const plan = await planProject(loaded, opts);
  opts.onPlanned?.(plan);
  const run = await runPlan(loaded, plan, opts);
  return { loaded, plan, run };
}

/** Runs a plan the way `check` does; release and rehearse run their gates through here. */
export function runPlan(loaded: Loaded, plan: Plan, opts: CheckOptions): Promise<RunResult> {
  return runGates(plan, {
    concurrency: opts.concurrency ?? loaded.config.defaults.concurrency,
    deadlineMs: opts.deadlineMs,
    signal: opts.signal,
    maxBodyBytes: loaded.config.defaults.maxBodyBytes,
    onGateStart: opts.onGateStart,
    onGateEnd: opts.onGateEnd,
  });
}

async function packageVersion(dir: string): Promise<string | undefined> {
  try {
    const pkg = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}
