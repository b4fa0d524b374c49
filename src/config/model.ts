import type { Assertion as RawAssertion } from "./schema-types/gate.js";
import type { Position, SourceDocument } from "./yaml-source.js";

/** shipgate.yaml after validation, with defaults filled in. */
export interface Config {
  /** Path as given (for messages). */
  file: string;
  /** Directory that gate globs and the runbook are relative to. */
  dir: string;
  environments: Record<string, Environment>;
  /** Globs of gate files; `gates/**\/*.yaml` by default. */
  gateGlobs: string[];
  defaults: Defaults;
  release: ReleaseConfig;
  source: SourceDocument;
}

export interface Defaults {
  /** Per request, wall clock from connect to last byte; 10 s by default. */
  timeoutMs: number;
  /** Larger responses are red (`body-too-large`); 10 MB by default. */
  maxBodyBytes: number;
  /** Gates run at once; 8 by default. */
  concurrency: number;
}

export interface Environment {
  name: string;
  /** Releases go here; the rehearsal policy applies. */
  protected: boolean;
  /** Host key to base URL, without a trailing slash. */
  hosts: Record<string, string>;
}

export interface ReleaseConfig {
  /** Tag name template; `v{{version}}` by default. */
  tag: string;
  /** `origin` by default. */
  remote: string;
  /** `main` by default. */
  branch: string;
  /** `none` by default. */
  publish: "npm" | "none";
  npm: { access?: "public" | "restricted"; tag?: string; provenance: boolean };
  /** true by default; applies to protected environments only. */
  requireRehearsal: boolean;
}

export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

/** A request as written; strings may still hold templates. */
export interface RequestSpec {
  method: Method;
  /** Host key; the gate's host unless the step names another. */
  host: string;
  path?: string;
  url?: string;
  query: Record<string, string | number | boolean>;
  headers: Record<string, string>;
  json?: unknown;
  hasJson: boolean;
  body?: string;
  contentType?: string;
  timeoutMs: number;
  followRedirects: boolean;
}

export type StatusMatcher = number | `${1 | 2 | 3 | 4 | 5}xx`;

export interface Expectation {
  status?: StatusMatcher[];
  headers?: Record<string, string>;
  contentType?: string;
  maxDurationMs?: number;
  schema?: SchemaRef;
  body: Assertion[];
  /** Where each expectation key sits, for reports and annotations. */
  positions: Record<string, Position>;
}

export interface SchemaRef {
  /** As written, for messages. */
  label: string;
  /** Absolute path of a schema file, when it is one. */
  file?: string;
  inline?: Record<string, unknown>;
}

/** The predicates of a body assertion, exactly as the gate schema defines them. */
export type Predicates = Omit<RawAssertion, "path">;

export interface Assertion extends Predicates {
  path: string;
  index: number;
  position: Position;
}

export type CaptureSource =
  | { kind: "body"; path: string }
  | { kind: "header"; name: string }
  | { kind: "status" };

export interface Capture {
  name: string;
  from: CaptureSource;
}

export interface Step {
  index: number;
  name?: string;
  request: RequestSpec;
  /** A step written without expect must still answer below 400. */
  expect: Expectation;
  implicitExpect: boolean;
  capture: Capture[];
  position: Position;
}

export interface Retry {
  attempts: number;
  delayMs: number;
  unsafe: boolean;
}

export interface Gate {
  name: string;
  /** Gate file path relative to the config directory, for reports. */
  file: string;
  position: Position;
  host: string;
  environments?: string[];
  /** True when written as `steps`; a single-request gate is one step. */
  flow: boolean;
  steps: Step[];
  teardown: Step[];
  retry: Retry;
  source: SourceDocument;
}
