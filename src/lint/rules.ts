import type { Config, Expectation, Gate, Step } from "../config/model.js";
import { type Problem, problem } from "../errors.js";
import { hasTemplate } from "../template/template.js";

/**
 * Cross-field rules over a valid config and its valid gates. Each rule is a
 * record: a code, what it checks, and a body returning problems; all run.
 */
export interface LintRule {
  code: string;
  title: string;
  check(config: Config, gates: Gate[]): Problem[];
}

export const LINT_RULES: LintRule[] = [
  { code: "cannot-fail", title: "a gate with no assertion that could fail", check: cannotFail },
  { code: "index-drift", title: "an index slice without a pinned count", check: indexDrift },
  { code: "host-missing", title: "a host key missing from an environment", check: hostMissing },
  {
    code: "protected-hosts",
    title: "a protected environment sharing another's hosts",
    check: protectedHosts,
  },
  { code: "literal-credential", title: "a literal credential in a header", check: credentials },
];

export function runRules(config: Config, gates: Gate[]): Problem[] {
  return LINT_RULES.flatMap((rule) => rule.check(config, gates));
}

/** The environments a gate applies to: its list, or all of them. */
export function gateEnvironments(config: Config, gate: Gate): string[] {
  const all = Object.keys(config.environments);
  return gate.environments ? gate.environments.filter((e) => all.includes(e)) : all;
}

/** `steps[1].expect.body[0].path`: the key path of a problem, as messages show it. */
export function keyPath(at: ReadonlyArray<string | number>): string {
  return at.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

/** Position and key path of a value in a gate document. */
function place(gate: Gate, at: Array<string | number>, key = false) {
  return { ...gate.source.locate(at, { key }), path: keyPath(at) || undefined };
}

function stepAt(gate: Gate, step: Step, teardown = false): Array<string | number> {
  if (!gate.flow) return [];
  return [teardown ? "teardown" : "steps", step.index];
}

const EVERY_CLASS = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/** True when some part of the expectation can turn red on a response. */
export function couldFail(expect: Expectation): boolean {
  const status =
    expect.status !== undefined && !EVERY_CLASS.every((c) => expect.status!.includes(c as never));
  return (
    status ||
    Object.keys(expect.headers ?? {}).length > 0 ||
    expect.contentType !== undefined ||
    expect.maxDurationMs !== undefined ||
    expect.schema !== undefined ||
    expect.body.length > 0
  );
}

function cannotFail(_config: Config, gates: Gate[]): Problem[] {
  return gates
    .filter((gate) => !gate.steps.some((s) => !s.implicitExpect && couldFail(s.expect)))
    .map((gate) => {
      const step = gate.steps.find((s) => !s.implicitExpect);
      const at = step ? [...stepAt(gate, step), "expect"] : [];
      return problem(
        gate.file,
        `gate "${gate.name}" has no assertion that could fail: every response passes it; expect a status, a content type or body values`,
        { ...place(gate, at, true), code: "cannot-fail" },
      );
    });
}

/** `[21:27]`, `[21:]`, `[:6]`, `[-6:]`: positions that shift when the list changes. */
const INDEX_SLICE = /\[\s*-?\d*\s*:\s*-?\d*\s*(?::\s*-?\d*\s*)?\]/;

function indexDrift(_config: Config, gates: Gate[]): Problem[] {
  const problems: Problem[] = [];
  for (const gate of gates) {
    for (const step of gate.steps) {
      for (const a of step.expect.body) {
        const slice = INDEX_SLICE.exec(a.path);
        if (!slice || a.count !== undefined) continue;
        problems.push(
          problem(
            gate.file,
            `${a.path} selects by position (${slice[0]}) without a pinned count: when items are added or removed it silently checks others; add count`,
            {
              ...place(gate, [...stepAt(gate, step), "expect", "body", a.index, "path"]),
              severity: "warning",
              code: "index-drift",
            },
          ),
        );
      }
    }
  }
  return problems;
}

function hostMissing(config: Config, gates: Gate[]): Problem[] {
  const problems: Problem[] = [];
  for (const gate of gates) {
    for (const name of gate.environments ?? []) {
      if (config.environments[name]) continue;
      problems.push(
        problem(
          gate.file,
          `gate "${gate.name}" applies to environment "${name}", which shipgate.yaml does not define (environments: ${Object.keys(config.environments).join(", ")})`,
          { ...place(gate, ["environments"]), code: "env-unknown" },
        ),
      );
    }
    const uses = [
      { key: gate.host, at: ["host"] as Array<string | number> },
      ...[...gate.steps, ...gate.teardown].map((s) => ({
        key: s.request.host,
        at: [...stepAt(gate, s, gate.teardown.includes(s)), "request", "host"],
      })),
    ];
    const seen = new Set<string>();
    for (const env of gateEnvironments(config, gate)) {
      const hosts = config.environments[env]!.hosts;
      for (const use of uses) {
        if (hosts[use.key] !== undefined || seen.has(`${env}/${use.key}`)) continue;
        seen.add(`${env}/${use.key}`);
        problems.push(
          problem(
            gate.file,
            `gate "${gate.name}" uses host "${use.key}", which environment ${env} does not define (hosts: ${Object.keys(hosts).join(", ")}); add it under environments.${env}.hosts or narrow the gate's environments`,
            { ...place(gate, use.at), code: "host-missing" },
          ),
        );
      }
    }
  }
  return problems;
}

function protectedHosts(config: Config): Problem[] {
  const problems: Problem[] = [];
  const envs = Object.values(config.environments);
  for (const env of envs.filter((e) => e.protected)) {
    const at = config.source.locate(["environments", env.name, "hosts"], { key: true });
    for (const other of envs) {
      if (other === env) continue;
      if (sameHosts(env.hosts, other.hosts)) {
        problems.push(
          problem(
            config.file,
            `protected environment ${env.name} has the same hosts as ${other.name}: a check of ${other.name} would pass for ${env.name}; give each environment its own hosts`,
            { ...at, path: `environments.${env.name}.hosts`, code: "protected-hosts" },
          ),
        );
        continue;
      }
      for (const [key, url] of Object.entries(env.hosts)) {
        const shared = Object.entries(other.hosts).find(([, u]) => u === url);
        if (!shared) continue;
        problems.push(
          problem(
            config.file,
            `protected environment ${env.name}'s ${key} host ${url} is also ${other.name}'s ${shared[0]} host; is that intended?`,
            {
              ...config.source.locate(["environments", env.name, "hosts", key]),
              path: `environments.${env.name}.hosts.${key}`,
              severity: "warning",
              code: "protected-hosts",
            },
          ),
        );
      }
    }
  }
  return problems;
}

function sameHosts(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

const CREDENTIAL_HEADER =
  /^(authorization|proxy-authorization|cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|private-token|x-csrf-token)$|token|secret|password|passwd|api[-_]?key/i;
const AUTH_SCHEMES = /^(bearer|basic|token|digest|bot|apikey|negotiate)$/i;
const TOKEN_SHAPE =
  /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}|\b(ghp|gho|ghs|github_pat|npm|glpat|xox[abp]|sk|pk|AKIA)[-_][A-Za-z0-9_-]{8,}/i;

/** A header value holds a literal secret when anything but a scheme word is left beside templates. */
function literalSecret(name: string, value: string): boolean {
  const literal = value.replace(/\{\{[^}]*\}\}/g, " ").trim();
  if (TOKEN_SHAPE.test(literal)) return true;
  if (!CREDENTIAL_HEADER.test(name)) return false;
  const words = literal.split(/\s+/).filter((w) => w !== "" && !AUTH_SCHEMES.test(w));
  return words.length > 0 && !(hasTemplate(value) && words.every((w) => w.length < 4));
}

function credentials(_config: Config, gates: Gate[]): Problem[] {
  const problems: Problem[] = [];
  for (const gate of gates) {
    for (const step of [...gate.steps, ...gate.teardown]) {
      for (const [name, value] of Object.entries(step.request.headers)) {
        if (!literalSecret(name, value)) continue;
        problems.push(
          problem(
            gate.file,
            `header ${name} holds a literal credential; read it from the environment with {{env.NAME}} so it never sits in git`,
            {
              ...place(gate, [
                ...stepAt(gate, step, gate.teardown.includes(step)),
                "request",
                "headers",
                name,
              ]),
              code: "literal-credential",
            },
          ),
        );
      }
    }
  }
  return problems;
}
