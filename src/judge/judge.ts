import type { Expectation, StatusMatcher } from "../config/model.js";
import { formatDuration } from "../config/units.js";
import type { HttpResponse, Observation } from "../run/observation.js";
import { type AssertionResult, judgeAssertion } from "./assertions.js";
import { bodyText, describeResponse, htmlTitle, isHtml, requestId } from "./diagnose.js";
import type { Failure } from "./failure.js";

/** What the judge needs to know besides the response, to name what to fix. */
export interface JudgeContext {
  environment: string;
  hostKey: string;
  hostUrl: string;
  /** Validates a body against the expectation's JSON Schema; messages for each error. */
  validateSchema?: (value: unknown) => string[];
  /**
   * Masks the run's secrets in the body text before excerpts are made: tag
   * stripping and cutting could otherwise change an echoed secret into a
   * form that redaction of the final output no longer recognises.
   */
  redact?: (text: string) => string;
}

export interface Verdict {
  failures: Failure[];
  assertions: AssertionResult[];
}

/** Judges one observation against one expectation. Pure: no I/O, no clock. */
export function judge(
  observation: Observation,
  expect: Expectation | undefined,
  ctx: JudgeContext,
): Verdict {
  const verdict: Verdict = { failures: [], assertions: [] };
  if (observation.failure) {
    verdict.failures.push({
      kind: observation.failure.kind,
      message: observation.failure.message,
      hint: transportHint(observation, ctx),
    });
    return verdict;
  }
  const raw = observation.response;
  const res = raw && ctx.redact ? { ...raw, text: ctx.redact(raw.text) } : raw;
  if (!expect) return verdict;
  // Fail closed: an observation with neither a response nor a failure proves nothing.
  if (!res) {
    verdict.failures.push({ kind: "connection", message: "no response was received" });
    return verdict;
  }
  const fail = (f: Failure) => verdict.failures.push(f);
  const at = (key: string) => expect.positions[key];

  if (observation.blockedRedirect) {
    fail({
      kind: "status",
      message: `redirected to ${observation.blockedRedirect}, another origin: not followed (credentials never cross origins)`,
      hint: `point the gate at the final URL, or fix hosts.${ctx.hostKey} of ${ctx.environment}`,
      position: at("status"),
    });
  }
  const wantsJson =
    expect.body.length > 0 || expect.schema !== undefined || /json/.test(expect.contentType ?? "");
  const html = isHtml(res);
  if (!observation.blockedRedirect && expect.status && !statusMatches(res.status, expect.status)) {
    // Beside an html-response, the page's excerpt is shown once, there.
    const detail = html && wantsJson ? {} : errorDetail(res);
    fail({
      kind: "status",
      message: `status ${res.status}${redirectNote(res)}, expected ${expect.status.join(" or ")}`,
      position: at("status"),
      ...detail,
    });
  }
  if (html && wantsJson)
    fail(htmlFailure(res, ctx, at("body") ?? at("schema") ?? at("contentType")));

  for (const [name, want] of Object.entries(expect.headers ?? {})) {
    const got = res.headers[name.toLowerCase()];
    if (got !== want) {
      fail({
        kind: "header",
        message:
          got === undefined
            ? `header ${name} is missing, expected ${JSON.stringify(want)}`
            : `header ${name} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`,
        position: at("headers"),
      });
    }
  }
  // An html-response already names the page; a content-type failure beside it adds nothing.
  if (
    expect.contentType &&
    !declaresOnly(res, mediaType(expect.contentType)) &&
    !(html && wantsJson)
  ) {
    fail({
      kind: "content-type",
      message: `content type ${res.headers["content-type"] ?? "(none)"}, expected ${expect.contentType}`,
      position: at("contentType"),
    });
  }
  if (expect.maxDurationMs !== undefined && observation.durationMs > expect.maxDurationMs) {
    fail({
      kind: "duration",
      message: `took ${formatDuration(observation.durationMs)}, more than maxDuration ${formatDuration(expect.maxDurationMs)}`,
      position: at("maxDuration"),
    });
  }
  if (!wantsJson || html) return withExcerpt(verdict, res);

  if (!res.json) {
    fail({
      kind: "invalid-json",
      message: "the body is empty, expected JSON",
      position: at("body") ?? at("schema"),
      ...errorDetail(res),
    });
    return withExcerpt(verdict, res);
  }
  if (!res.json.ok) {
    fail({
      kind: "invalid-json",
      message: `the body is not valid JSON (${res.json.error})`,
      position: at("body") ?? at("schema"),
      excerpt: bodyText(res),
      requestId: requestId(res),
    });
    return withExcerpt(verdict, res);
  }
  const document = res.json.value;
  if (expect.schema) {
    // Fail closed: a schema whose validator went missing is not a schema that held.
    const errors = ctx.validateSchema
      ? ctx.validateSchema(document)
      : [`no validator was compiled for ${expect.schema.label}`];
    if (errors.length > 0) {
      const shown =
        errors.slice(0, 5).join("; ") +
        (errors.length > 5 ? `; and ${errors.length - 5} more` : "");
      fail({
        kind: "schema",
        message: `the body does not match ${expect.schema.label}: ${shown}`,
        position: at("schema"),
      });
    }
  }
  for (const assertion of expect.body) {
    const result = judgeAssertion(assertion, document);
    verdict.assertions.push(result);
    verdict.failures.push(...result.failures);
  }
  return withExcerpt(verdict, res);
}

export function statusMatches(status: number, want: StatusMatcher[]): boolean {
  return want.some((w) =>
    typeof w === "number" ? w === status : Math.floor(status / 100) === Number(w[0]),
  );
}

/** `(a redirect to URL, not followed)` for a 3xx with a location. */
function redirectNote(res: HttpResponse): string {
  const location = res.headers.location;
  if (res.status < 300 || res.status >= 400 || !location) return "";
  return ` (a redirect to ${location}, not followed: set request.followRedirects for same-origin redirects)`;
}

/**
 * True when the response declares exactly this media type. Two Content-Type
 * headers arrive joined by a comma (`application/json, text/html`); a browser
 * would go by the last, so a response that declares two satisfies neither.
 */
function declaresOnly(res: HttpResponse, want: string): boolean {
  const header = res.headers["content-type"];
  if (header === undefined) return res.mediaType === want;
  // Commas inside quoted parameters do not separate values.
  const values = header.replace(/"(?:[^"\\]|\\.)*"/g, '""').split(",");
  return values.every((v) => mediaType(v) === want);
}

function mediaType(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/** 4xx and 5xx are never silent: the first failure carries the body excerpt and request id. */
function withExcerpt(verdict: Verdict, res: HttpResponse): Verdict {
  if (
    res.status >= 400 &&
    verdict.failures.length > 0 &&
    !verdict.failures.some((f) => f.excerpt !== undefined)
  ) {
    Object.assign(verdict.failures[0]!, errorDetail(res));
  }
  return verdict;
}

function errorDetail(res: HttpResponse): Pick<Failure, "excerpt" | "requestId"> {
  if (res.status < 400 && res.json?.ok !== false) return {};
  const text = bodyText(res);
  return {
    excerpt: `${describeResponse(res)}: ${text || "(empty body)"}`,
    requestId: requestId(res),
  };
}

function htmlFailure(res: HttpResponse, ctx: JudgeContext, position: Failure["position"]): Failure {
  const title = htmlTitle(res.text);
  return {
    kind: "html-response",
    message: `got an HTML page${title ? ` titled "${title}"` : ""} (status ${res.status}) where JSON was expected`,
    hint:
      res.status >= 500
        ? `a generic HTML error page: the server's error handling hides the cause, so find the request in its logs (request id below, if any); if ${ctx.hostUrl} is a frontend rather than the API, fix environments.${ctx.environment}.hosts.${ctx.hostKey} in shipgate.yaml`
        : `${ctx.hostUrl} may be a frontend rather than the API: check environments.${ctx.environment}.hosts.${ctx.hostKey} in shipgate.yaml`,
    position,
    excerpt: `${describeResponse(res)}: ${bodyText(res) || "(empty body)"}`,
    requestId: requestId(res),
  };
}

function transportHint(observation: Observation, ctx: JudgeContext): string | undefined {
  switch (observation.failure?.kind) {
    case "timeout":
      return `the server at ${ctx.hostUrl} did not finish answering in time; a hung dependency or a killed worker looks like this`;
    case "connection":
      return `check that ${ctx.hostUrl} (environments.${ctx.environment}.hosts.${ctx.hostKey}) is the right address and is up`;
    case "body-too-large":
      return "raise defaults.maxBodySize in shipgate.yaml if this size is expected";
    default:
      return undefined;
  }
}
