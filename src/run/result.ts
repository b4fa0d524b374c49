import type { Expectation } from "../config/model.js";
import type { Position } from "../config/yaml-source.js";
import type { AssertionResult } from "../judge/assertions.js";
import type { Failure } from "../judge/failure.js";
import type { Observation } from "./observation.js";

/** One attempt of one request. */
export interface Attempt {
  attempt: number;
  status?: number;
  failure?: string;
  durationMs: number;
}

export interface CaptureResult {
  name: string;
  value: unknown;
}

export interface StepResult {
  index: number;
  name?: string;
  teardown: boolean;
  method: string;
  url: string;
  status?: number;
  durationMs: number;
  attempts: Attempt[];
  failures: Failure[];
  assertions: AssertionResult[];
  captures: CaptureResult[];
  /** Why the step did not run, when it did not. */
  skipped?: string;
  position: Position;
  /** The last response, for the audit and --verbose; not part of the JSON report. */
  observation?: Observation;
  /**
   * The expectation as it was judged, templates filled (captures, `{{run.id}}`):
   * the audit judges mutated responses against exactly this. Not part of the JSON report.
   */
  expect?: Expectation;
}

export interface GateResult {
  name: string;
  file: string;
  line: number;
  environment: string;
  host: string;
  hostUrl: string;
  ok: boolean;
  durationMs: number;
  /** Attempts of the gate's request (of its longest-retried step for a flow). */
  attempts: number;
  passedOnRetry: boolean;
  failures: Failure[];
  warnings: string[];
  steps: StepResult[];
  /** `6/6 selected ok`, when body assertions ran. */
  summary?: string;
  /** Set when the gate never ran (deadline, interruption). */
  notRun?: boolean;
}
