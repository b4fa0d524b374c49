import type { Expectation, Step } from "../config/model.js";
import { judge } from "../judge/judge.js";
import type { Plan, PlannedGate } from "../plan/plan.js";
import type { GateResult, StepResult } from "../run/result.js";
import type { RunResult } from "../run/run-gates.js";
import { assertionMutations, type Mutation, responseMutations } from "./mutations.js";

/** How one gate fared against mutated copies of its own real responses. */
export interface GateAudit {
  gate: string;
  /** Mutations the gate turned red on. */
  caught: number;
  total: number;
  /** Each mutation that stayed green, in words: "checks[23].ok is false". */
  survivors: string[];
  /** Green on a 500, an HTML page or an emptied selection: the gate cannot protect a release. */
  fatal: boolean;
  /** Why the gate was not audited (its real run was red); then caught and total are 0. */
  notAudited?: string;
}

export interface AuditReport {
  gates: GateAudit[];
  /** The report as lines for a terminal: "caught N of M" per gate, survivors named. */
  lines: string[];
}

/**
 * Proves each gate can fail: judges its assertions again on mutated copies
 * of the responses its real run got. Pure: no requests, no clock.
 */
export function auditRun(plan: Plan, run: RunResult): AuditReport {
  const gates = plan.gates.map((planned) => {
    const result = run.gates.find((g) => g.name === planned.gate.name);
    return auditGate(planned, result);
  });
  return { gates, lines: gates.flatMap(describeAudit) };
}

function auditGate(planned: PlannedGate, result: GateResult | undefined): GateAudit {
  const audit: GateAudit = {
    gate: planned.gate.name,
    caught: 0,
    total: 0,
    survivors: [],
    fatal: false,
  };
  if (!result?.ok) {
    const first = result?.failures[0];
    const why = first ? `${first.kind}: ${first.message}` : "not run";
    return {
      ...audit,
      notAudited: `its real run was red (${why}), so there is no response to mutate`,
    };
  }
  const flow = planned.gate.steps.length > 1;
  for (const step of planned.gate.steps) {
    const stepResult = result.steps.find((s) => !s.teardown && s.index === step.index);
    const response = stepResult?.observation?.response;
    // The expectation as the real run judged it, its templates filled.
    const expect = stepResult?.expect;
    if (!stepResult || !response || !expect || step.implicitExpect) continue;
    const prefix = flow ? `${stepName(step)}: ` : "";
    const mutations = [
      ...responseMutations(response),
      ...expect.body.flatMap((a) => assertionMutations(response, a)),
    ];
    for (const mutation of mutations) {
      audit.total++;
      if (caughtBy(mutation, stepResult, expect, planned, step)) audit.caught++;
      else {
        audit.survivors.push(prefix + mutation.describe);
        if (mutation.fatal) audit.fatal = true;
      }
    }
  }
  if (audit.total === 0) audit.notAudited = "no step has both an expect and a response to mutate";
  return audit;
}

function caughtBy(
  mutation: Mutation,
  stepResult: StepResult,
  expect: Expectation,
  planned: PlannedGate,
  step: Step,
): boolean {
  const observation = { ...stepResult.observation!, response: mutation.response };
  const hostKey = step.request.host;
  const verdict = judge(observation, expect, {
    environment: planned.environment.name,
    hostKey,
    hostUrl: planned.environment.hosts[hostKey] ?? planned.hostUrl,
    validateSchema: expect.schema ? planned.validators.get(expect.schema.label) : undefined,
  });
  return verdict.failures.length > 0;
}

function stepName(step: Step): string {
  return step.name ? `step ${step.index + 1} (${step.name})` : `step ${step.index + 1}`;
}

/** Lines for one gate: its count, each surviving mutation, and the verdict when fatal. */
export function describeAudit(audit: GateAudit): string[] {
  if (audit.notAudited) return [`${audit.gate}: not audited: ${audit.notAudited}`];
  const lines = [`${audit.gate}: caught ${audit.caught} of ${audit.total} mutations`];
  for (const s of audit.survivors) lines.push(`  this gate stays green when ${s}`);
  if (audit.fatal)
    lines.push(
      "  error: a gate that stays green on a 500, an HTML page or an emptied selection cannot protect a release; expect a status, a content type and a pinned count",
    );
  return lines;
}
