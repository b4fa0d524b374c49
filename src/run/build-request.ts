import type { Environment, RequestSpec } from "../config/model.js";
import { type Lookup, resolveTemplates } from "../template/template.js";
import { shipgateVersion } from "../util/version.js";
import type { ConcreteRequest } from "./send-request.js";

/** Resolves a request's templates and turns it into a URL on one of the environment's hosts. */
export function buildRequest(
  spec: RequestSpec,
  environment: Environment,
  lookup: Lookup,
): ConcreteRequest {
  const base = environment.hosts[spec.host];
  if (base === undefined)
    throw new Error(`environment ${environment.name} has no host "${spec.host}"`);
  let url: URL;
  if (spec.url !== undefined) {
    url = new URL(String(resolveTemplates(spec.url, lookup)));
    const origins = Object.values(environment.hosts).map((h) => new URL(h).origin);
    if (!origins.includes(url.origin)) {
      throw new Error(
        `url ${url.origin} is not a host of environment ${environment.name}; requests go only to configured hosts`,
      );
    }
  } else {
    url = new URL(base + String(resolveTemplates(spec.path ?? "/", lookup)));
  }
  for (const [key, value] of Object.entries(resolveTemplates(spec.query, lookup)))
    url.searchParams.append(key, String(value));

  const headers: Record<string, string> = {
    "user-agent": `shipgate/${shipgateVersion()}`,
    accept: "application/json, text/plain;q=0.9, */*;q=0.8",
  };
  for (const [name, value] of Object.entries(resolveTemplates(spec.headers, lookup)))
    headers[name.toLowerCase()] = String(value);
  let body: string | undefined;
  if (spec.hasJson) {
    body = JSON.stringify(resolveTemplates(spec.json, lookup));
    headers["content-type"] ??= "application/json";
  } else if (spec.body !== undefined) {
    const resolved = resolveTemplates(spec.body, lookup);
    body = typeof resolved === "string" ? resolved : JSON.stringify(resolved);
    if (spec.contentType) headers["content-type"] = spec.contentType;
  }
  return {
    method: spec.method,
    url: url.href,
    headers,
    body,
    timeoutMs: spec.timeoutMs,
    followRedirects: spec.followRedirects,
  };
}
