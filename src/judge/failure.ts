import type { Position } from "../config/yaml-source.js";

/** Every kind a failure can have, as SPEC.md lists them. */
export const FAILURE_KINDS = [
  "status",
  "header",
  "content-type",
  "duration",
  "assertion",
  "empty-selection",
  "schema",
  "html-response",
  "invalid-json",
  "timeout",
  "connection",
  "body-too-large",
  "template",
  "deadline",
  "interrupted",
  "audit",
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface Failure {
  kind: FailureKind;
  message: string;
  /** What to do about it. */
  hint?: string;
  /** For 4xx/5xx and unreadable bodies: the start of the body's text, tags stripped. */
  excerpt?: string;
  /** A request-id header of the response, for finding the server's log line. */
  requestId?: string;
  /** The gate file position of the expectation that failed. */
  position?: Position;
  /** The JSONPath of a body assertion. */
  path?: string;
}
