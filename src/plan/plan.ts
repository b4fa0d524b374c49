import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Config, Environment, Gate, Step } from "../config/model.js";
import { InputError, type Problem, problem } from "../errors.js";
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
    const validators = await compileSchemas(gate, problems);
    planned.push({ gate, environment, hostUrl: environment.hosts[gate.host] ?? "", validators });
  }
  if (problems.length > 0)
    throw new InputError(
      problems,
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
  for (const step of allSteps(gate)) {
    const ref = step.expect?.schema;
    if (!ref || validators.has(ref.label)) continue;
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
