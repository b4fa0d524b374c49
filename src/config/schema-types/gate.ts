// Generated from schema/gate.json by scripts/schema-types.mjs; do not edit by hand.

/**
 * A key of the environment's hosts, such as api.
 */
export type HostKey = string;
/**
 * a duration such as 500ms, 10s or 2m (a plain number is milliseconds)
 */
export type Duration = string | number;
/**
 * a status code, a list of codes, or a class such as "2xx"
 */
export type Status = number | string | [number | string, ...(number | string)[]];
export type TypeName = "string" | "number" | "integer" | "boolean" | "null" | "array" | "object";
/**
 * a JSONPath into the body, { header: NAME } or { status: true }
 */
export type Capture =
  | string
  | {
      header: string;
    }
  | {
      status: true;
    };

/**
 * One gate: a request (or a flow of steps) against a named host, and what its response must show.
 */
export interface RawGate {
  /**
   * The JSON Schema editors use for completion.
   */
  $schema?: string;
  /**
   * The gate's name, unique across all gate files.
   */
  name: string;
  description?: string;
  host: HostKey;
  /**
   * The environments this gate applies to; all of them when left out.
   *
   * @minItems 1
   */
  environments?: [string, ...string[]];
  request?: Request;
  expect?: Expect;
  retry?: Retry;
  /**
   * A flow of requests, used instead of request/expect.
   *
   * @minItems 1
   */
  steps?: [Step, ...Step[]];
  /**
   * Steps that run after the flow however it ended; a failure here is a warning.
   */
  teardown?: Step[];
}
export interface Request {
  /**
   * HTTP method; GET by default.
   */
  method?: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
  host?: HostKey;
  /**
   * The path on the host, starting with /; templates allowed.
   */
  path?: string;
  /**
   * A full URL whose origin is one of the environment's hosts; templates allowed.
   */
  url?: string;
  query?: {
    [k: string]: string | number | boolean;
  };
  headers?: {
    [k: string]: string;
  };
  /**
   * A JSON request body; templates allowed in its strings.
   */
  json?: unknown;
  /**
   * A raw request body.
   */
  body?: string;
  /**
   * The content type of a raw body.
   */
  contentType?: string;
  timeout?: Duration;
  /**
   * Follow redirects within the same origin; false by default.
   */
  followRedirects?: boolean;
}
export interface Expect {
  status?: Status;
  /**
   * Response headers that must be present with these exact values.
   */
  headers?: {
    [k: string]: string;
  };
  /**
   * The media type, such as application/json; parameters are ignored.
   */
  contentType?: string;
  maxDuration?: Duration;
  /**
   * a JSON Schema file (relative to the gate file) or an inline schema
   */
  schema?: string | {};
  /**
   * @minItems 1
   */
  body?: [Assertion, ...Assertion[]];
}
export interface Assertion {
  /**
   * An RFC 9535 JSONPath.
   */
  path: string;
  /**
   * The value (singular path) or the list of values.
   */
  equals?: unknown;
  exists?: boolean;
  count?: number;
  /**
   * Each selected value matches (objects partially).
   */
  every?: unknown;
  /**
   * At least one selected value matches.
   */
  some?: unknown;
  /**
   * A regular expression (RE2 syntax).
   */
  matches?: string;
  /**
   * a JSON type name or a list of them
   */
  type?: TypeName | [TypeName, ...TypeName[]];
  /**
   * @minItems 1
   */
  oneOf?: [unknown, ...unknown[]];
  lessThan?: number;
  greaterThan?: number;
}
export interface Retry {
  /**
   * Attempts in all, 1 to 10.
   */
  attempts: number;
  delay?: Duration;
  /**
   * Also retry POST and PATCH.
   */
  unsafe?: boolean;
}
export interface Step {
  name?: string;
  request: Request;
  expect?: Expect;
  capture?: {
    [k: string]: Capture;
  };
}
