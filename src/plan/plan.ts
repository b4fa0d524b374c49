import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Config, Environment, Gate, Step } from "../config/model.js";
import { formatProblem, InputError, type Problem, problem } from "../errors.js";
import { Redactor } from "../template/redact.js";
import { templateNames } from "../template/template.js";
import { compileSchema } from "./schemas.js";

/** A gate bound to one environment, ready to run. */
export interface PlannedGate {
  gate: Gate;
  environment: Environment;
  /** Base URL of the gate's host in this environment. */
  hostUrl: string;
  /** Schema validators by schema label, compiled before any request. */
  validators: Map<string, (value: unknown) => string[]>;
}

export interface Plan {
  environment: Environment;
  gates: PlannedGate[];
  /** Gates that do not apply to this environment. */
  skipped: Gate[];
  redactor: Redactor;
  /** `{{version}}`: the release version, or package.json's for check. */
  version?: string;
  env: NodeJS.ProcessEnv;
}

export interface PlanOptions {
  version?: string;
  env?: NodeJS.ProcessEnv;
  redactor?: Redactor;
}

/**
 * Binds gates to an environment and proves, before any request, that every
 * host key exists, every `{{env.NAME}}` is set and every schema compiles.
 */
export async function planRun(
  config: Config,
  environment: Environment,
  gates: Gate[],
  opts: PlanOptions = {},
): Promise<Plan> {
  const env = opts.env ?? process.env;
  const redactor = opts.redactor ?? new Redactor();
  const problems: Problem[] = [];
  const planned: PlannedGate[] = [];
  const skipped: Gate[] = [];
  for (const gate of gates) {
    if (gate.environments && !gate.environments.includes(environment.name)) {
      skipped.push(gate);
      continue;
    }
    problems.push(...checkHosts(gate, environment));
    problems.push(...checkTemplates(gate, env, opts.version, redactor));
    problems.push(...checkDurations(gate, config));
    const validators = await compileSchemas(gate, problems);
    planned.push({ gate, environment, hostUrl: environment.hosts[gate.host] ?? "", validators });
  }
  if (problems.length > 0)
    throw new InputError(
      // A config-wide problem (defaults.timeout) is found once per gate: report it once.
      [...new Map(problems.map((p) => [formatProblem(p), p])).values()],
      problems.some((p) => p.code === "template") ? "template" : "input",
    );
  return { environment, gates: planned, skipped, redactor, version: opts.version, env };
}

function allSteps(gate: Gate): Step[] {
  return [...gate.steps, ...gate.teardown];
}

function checkHosts(gate: Gate, environment: Environment): Problem[] {
  const problems: Problem[] = [];
  const keys = new Set([gate.host, ...allSteps(gate).map((s) => s.request.host)]);
  for (const key of keys) {
    if (environment.hosts[key] === undefined) {
      problems.push(
        problem(
          gate.file,
          `gate "${gate.name}" uses host "${key}", which environment ${environment.name} does not define (hosts: ${Object.keys(environment.hosts).join(", ")}); add it under environments.${environment.name}.hosts or list the gate's environments`,
          {
            ...gate.source.locate(["host"]),
            code: "host-missing",
          },
        ),
      );
    }
  }
  return problems;
}

/** Node's timers hold at most 2^31 - 1 ms; a longer one fires at once, or throws. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Timeouts and retry delays a timer can hold. The schema bounds neither, and
 * `timeout: 99999999999` used to crash the run with a RangeError.
 */
function checkDurations(gate: Gate, config: Config): Problem[] {
  const problems: Problem[] = [];
  const tooLong = (ms: number) =>
    `${ms}ms is longer than a timer can hold; give at most ${MAX_TIMER_MS}ms (about 24 days)`;
  const steps: Array<[Step, Array<string | number>]> = [
    ...gate.steps.map((s, i): [Step, Array<string | number>] => [s, gate.flow ? ["steps", i] : []]),
    ...gate.teardown.map((s, i): [Step, Array<string | number>] => [s, ["teardown", i]]),
  ];
  for (const [step, at] of steps) {
    if (step.request.timeoutMs <= MAX_TIMER_MS) continue;
    const own = [...at, "request", "timeout"];
    if (hasKey(gate.source.value, own)) {
      problems.push(
        problem(gate.file, `request.timeout: ${tooLong(step.request.timeoutMs)}`, {
          ...gate.source.locate(own),
          code: "schema",
        }),
      );
    } else if (!problems.some((p) => p.file === config.file)) {
      problems.push(
        problem(config.file, `defaults.timeout: ${tooLong(step.request.timeoutMs)}`, {
          ...config.source.locate(["defaults", "timeout"]),
          code: "schema",
        }),
      );
    }
  }
  if (gate.retry.delayMs > MAX_TIMER_MS) {
    problems.push(
      problem(gate.file, `retry.delay: ${tooLong(gate.retry.delayMs)}`, {
        ...gate.source.locate(["retry", "delay"]),
        code: "schema",
      }),
    );
  }
  return problems;
}

function hasKey(value: unknown, at: Array<string | number>): boolean {
  let v = value;
  for (const key of at) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, key)) return false;
    v = (v as Record<string | number, unknown>)[key];
  }
  return true;
}

function checkTemplates(
  gate: Gate,
  env: NodeJS.ProcessEnv,
  version: string | undefined,
  redactor: Redactor,
): Problem[] {
  const problems: Problem[] = [];
  const names = templateNames(gate.source.value);
  for (const name of names) {
    if (name.startsWith("env.")) {
      const value = env[name.slice(4)];
      if (value === undefined) {
        problems.push(
          problem(
            gate.file,
            `{{${name}}} is not set in the environment; export ${name.slice(4)} before running`,
            {
              ...gate.position,
              code: "template",
            },
          ),
        );
      } else redactor.add(value);
    } else if (name === "version" && version === undefined) {
      problems.push(
        problem(
          gate.file,
          "{{version}} has no value: give a VERSION or run where package.json has a version",
          { ...gate.position, code: "template" },
        ),
      );
    }
  }
  return problems;
}

async function compileSchemas(
  gate: Gate,
  problems: Problem[],
): Promise<Map<string, (value: unknown) => string[]>> {
  const validators = new Map<string, (value: unknown) => string[]>();
  const steps = [
    ...gate.steps.map((s, i) => [s, `steps[${i}]`] as const),
    ...gate.teardown.map((s, i) => [s, `teardown[${i}]`] as const),
  ];
  for (const [step, where] of steps) {
    const ref = step.expect?.schema;
    if (!ref) continue;
    // Validators are found by label, and every inline schema comes labelled
    // "inline schema": in a flow each gets its own, or a later step would be
    // judged with the first step's schema.
    if (ref.inline && gate.flow && !ref.label.includes(" at ")) ref.label += ` at ${where}`;
    if (validators.has(ref.label)) continue;
    const at = { ...(step.expect?.positions.schema ?? gate.position), code: "schema-file" };
    let schema: unknown = ref.inline;
    if (ref.file) {
      try {
        schema = JSON.parse(await readFile(ref.file, "utf8"));
      } catch (error: unknown) {
        const code = (error as NodeJS.ErrnoException).code;
        const why =
          code === "ENOENT"
            ? `schema file ${path.relative(process.cwd(), ref.file)} not found`
            : `schema file ${ref.label} is not valid JSON (${(error as Error).message})`;
        problems.push(problem(gate.file, why, at));
        continue;
      }
    }
    try {
      validators.set(ref.label, await compileSchema(schema as object));
    } catch (error: unknown) {
      problems.push(
        problem(
          gate.file,
          `schema ${ref.label} is not a valid JSON Schema: ${(error as Error).message}`,
          at,
        ),
      );
    }
  }
  return validators;
}
