import { randomInt } from "node:crypto";
import type { Expectation, Step } from "../config/model.js";
import { judge } from "../judge/judge.js";
import { select } from "../judge/select.js";
import type { PlannedGate } from "../plan/plan.js";
import {
  isBuiltinTemplate,
  type Lookup,
  resolveTemplates,
  TemplateError,
  templateNames,
} from "../template/template.js";
import type { HttpClient } from "./http-client.js";
import type { Observation } from "./observation.js";
import { buildRequest } from "./build-request.js";
import type { CaptureResult, GateResult, StepResult } from "./result.js";
import { sendWithRetry } from "./retry.js";
import { blankObservation } from "./send-request.js";
import { abortReasonKind } from "./signals.js";

export interface GateRunContext {
  client: HttpClient;
  /** Aborts with a RunStop on the run's deadline or an interrupt. */
  signal: AbortSignal;
  version?: string;
  env: NodeJS.ProcessEnv;
  /** Masks secrets in a body before the judge strips tags from it for an excerpt. */
  redact?: (text: string) => string;
}

/** Runs one gate: its steps in order until one is red, then its teardown whatever happened. */
export async function runGate(planned: PlannedGate, ctx: GateRunContext): Promise<GateResult> {
  const { gate, environment } = planned;
  const started = performance.now();
  // Made only when a template asks for it: most gates never do.
  let runId: string | undefined;
  const captures = new Map<string, unknown>();
  const lookup: Lookup = (name) => {
    if (name === "version") return ctx.version === undefined ? undefined : { value: ctx.version };
    if (name === "run.id") {
      runId ??= newRunId();
      return { value: runId };
    }
    if (name.startsWith("env.")) {
      const value = ctx.env[name.slice(4)];
      return value === undefined ? undefined : { value };
    }
    return captures.has(name) ? { value: captures.get(name) } : undefined;
  };
  const result: GateResult = {
    name: gate.name,
    file: gate.file,
    line: gate.position.line,
    environment: environment.name,
    host: gate.host,
    hostUrl: planned.hostUrl,
    ok: true,
    durationMs: 0,
    attempts: 0,
    passedOnRetry: false,
    failures: [],
    warnings: [],
    steps: [],
  };

  for (const step of gate.steps) {
    const stepResult = await runStep(step, planned, ctx, lookup, ctx.signal, false);
    result.steps.push(stepResult);
    if (stepResult.failures.length === 0) collectCaptures(step, stepResult, captures);
    if (stepResult.failures.length > 0) break;
  }
  for (const step of gate.teardown) {
    const missing = missingCaptures(step, captures);
    if (missing.length > 0) {
      result.warnings.push(
        `teardown ${stepLabel(step)} skipped: ${missing.map((n) => `{{${n}}}`).join(", ")} never captured`,
      );
      result.steps.push(skippedStep(step, `needs ${missing.join(", ")}, never captured`));
      continue;
    }
    // Teardown ignores the run's deadline and interrupts; each request keeps its own timeout.
    const stepResult = await runStep(
      step,
      planned,
      ctx,
      lookup,
      new AbortController().signal,
      true,
    );
    result.steps.push(stepResult);
    for (const f of stepResult.failures)
      result.warnings.push(`teardown ${stepLabel(step)}: ${f.kind}: ${f.message}`);
  }

  const main = result.steps.filter((s) => !s.teardown);
  result.failures = main.flatMap((s) => s.failures);
  result.ok = result.failures.length === 0 && main.length === gate.steps.length;
  result.attempts = Math.max(0, ...main.map((s) => s.attempts.length));
  result.passedOnRetry = result.ok && main.some((s) => s.attempts.length > 1);
  if (result.passedOnRetry)
    result.warnings.push(
      `passed on a retry (attempt ${result.attempts} of ${gate.retry.attempts})`,
    );
  const judged = main.flatMap((s) => s.assertions);
  if (judged.length > 0) {
    const counts = judged.map((a) => `${a.passed}/${a.selected}`);
    result.summary = `${counts.join(", ")} selected ok`;
  }
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

async function runStep(
  step: Step,
  planned: PlannedGate,
  ctx: GateRunContext,
  lookup: Lookup,
  signal: AbortSignal,
  teardown: boolean,
): Promise<StepResult> {
  const base = emptyStepResult(step, teardown);
  let request: ReturnType<typeof buildRequest>;
  let expect: Expectation | undefined;
  try {
    request = buildRequest(step.request, planned.environment, lookup);
    expect = resolveExpectation(step.expect, lookup);
  } catch (error: unknown) {
    const message = error instanceof TemplateError ? error.message : (error as Error).message;
    base.failures.push({ kind: "template", message, position: step.position });
    return base;
  }
  base.method = request.method;
  base.url = request.url;
  base.expect = expect;
  if (signal.aborted) {
    const observation = blankObservation(request);
    observation.failure = {
      kind: abortReasonKind(signal.reason) ?? "interrupted",
      message: "not sent: the run was stopped",
    };
    return { ...base, ...judgeStep(observation, expect, planned, step, ctx.redact) };
  }
  const { observation, attempts } = await sendWithRetry(
    ctx.client,
    request,
    planned.gate.retry,
    signal,
  );
  base.attempts = attempts;
  return {
    ...base,
    status: observation.response?.status,
    durationMs: observation.durationMs,
    observation,
    ...judgeStep(observation, expect, planned, step, ctx.redact),
  };
}

function judgeStep(
  observation: Observation,
  expect: Expectation | undefined,
  planned: PlannedGate,
  step: Step,
  redact: ((text: string) => string) | undefined,
): Pick<StepResult, "failures" | "assertions"> {
  const hostKey = step.request.host;
  const verdict = judge(observation, expect, {
    environment: planned.environment.name,
    hostKey,
    hostUrl: planned.environment.hosts[hostKey] ?? planned.hostUrl,
    validateSchema: expect?.schema ? planned.validators.get(expect.schema.label) : undefined,
    redact,
  });
  return { failures: verdict.failures, assertions: verdict.assertions };
}

function resolveExpectation(expect: Expectation, lookup: Lookup): Expectation {
  const { positions, schema, body, ...rest } = expect;
  const resolvedBody = body.map(({ path, index, position, ...predicates }) => ({
    path,
    index,
    position,
    ...resolveTemplates(predicates, lookup),
  }));
  return { ...resolveTemplates(rest, lookup), positions, schema, body: resolvedBody };
}

function collectCaptures(step: Step, stepResult: StepResult, captures: Map<string, unknown>): void {
  const res = stepResult.observation?.response;
  for (const capture of step.capture) {
    let value: unknown;
    let found = false;
    if (capture.from.kind === "status") {
      value = res?.status;
      found = value !== undefined;
    } else if (capture.from.kind === "header") {
      value = res?.headers[capture.from.name.toLowerCase()];
      found = value !== undefined;
    } else if (res?.json?.ok) {
      const { singular, nodes } = select(capture.from.path, res.json.value);
      found = nodes.length > 0;
      value = singular ? nodes[0]?.value : nodes.map((n) => n.value);
    }
    if (!found) {
      const what =
        capture.from.kind === "body"
          ? capture.from.path
          : capture.from.kind === "header"
            ? `header ${capture.from.name}`
            : "status";
      stepResult.failures.push({
        kind: "empty-selection",
        message: `capture ${capture.name} (${what}) selected nothing`,
        position: step.position,
      });
      return;
    }
    captures.set(capture.name, value);
    stepResult.captures.push({ name: capture.name, value } satisfies CaptureResult);
  }
}

function missingCaptures(step: Step, captures: Map<string, unknown>): string[] {
  const used = templateNames([step.request, step.expect.body, step.expect.headers]);
  return [...used].filter((n) => !isBuiltinTemplate(n) && !captures.has(n));
}

function skippedStep(step: Step, why: string): StepResult {
  return { ...emptyStepResult(step, true), skipped: why };
}

/** A step's result before anything was sent. */
function emptyStepResult(step: Step, teardown: boolean): StepResult {
  return {
    index: step.index,
    name: step.name,
    teardown,
    method: step.request.method,
    url: step.request.path ?? step.request.url ?? "",
    durationMs: 0,
    attempts: [],
    failures: [],
    assertions: [],
    captures: [],
    position: step.position,
  };
}

function stepLabel(step: Step): string {
  return step.name ? `"${step.name}"` : `step ${step.index + 1}`;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** 12 characters of [a-z0-9], unique per gate per run. */
export function newRunId(): string {
  let id = "";
  for (let i = 0; i < 12; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
