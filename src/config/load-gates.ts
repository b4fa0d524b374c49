import path from "node:path";
import { InputError, type Problem, problem } from "../errors.js";
import { isBuiltinTemplate, templateNames } from "../template/template.js";
import { expandGlobs, isGlob } from "./glob.js";
import type {
  Capture,
  Config,
  Expectation,
  Gate,
  RequestSpec,
  StatusMatcher,
  Step,
} from "./model.js";
// Raw shapes come from the JSON Schema; documents are validated before they are read.
import type { Expect as RawExpect, RawGate, Step as RawStep } from "./schema-types/gate.js";
import { parseDuration } from "./units.js";
import { validateDocument } from "./validate.js";
import { type KeyPath, loadYamlFile, type SourceDocument } from "./yaml-source.js";

/** Reads every gate file the config's globs (or the given files) name; all problems at once. */
export async function loadGates(config: Config, only: string[] = []): Promise<Gate[]> {
  const files = await gateFiles(config, only);
  const problems: Problem[] = [];
  const gates: Gate[] = [];
  for (const rel of files) {
    const source = await loadYamlFile(path.join(config.dir, rel), rel);
    problems.push(...source.problems);
    if (source.problems.length === 0 && source.documents.length === 0) {
      // An emptied or truncated file must not quietly drop its gates.
      problems.push(
        problem(rel, "holds no gate; write one, or remove the file", {
          line: 1,
          column: 1,
          code: "no-gates",
        }),
      );
    }
    for (const doc of source.documents) {
      const found = await validateDocument(doc, "gate");
      problems.push(...found);
      if (found.length > 0) continue;
      const gate = toGate(doc, config, problems);
      if (gate) gates.push(gate);
    }
  }
  problems.push(...duplicateNames(gates));
  if (problems.some((p) => p.severity === "error")) throw new InputError(problems);
  return gates;
}

async function gateFiles(config: Config, only: string[]): Promise<string[]> {
  if (only.length === 0) {
    const files = await expandGlobs(config.dir, config.gateGlobs);
    if (files.length === 0) {
      throw new InputError([
        problem(
          config.file,
          `no gate files match ${config.gateGlobs.join(", ")}; write one or fix \`gates\``,
          {
            ...config.source.locate(["gates"]),
            code: "no-gates",
          },
        ),
      ]);
    }
    return files;
  }
  const files: string[] = [];
  for (const arg of only) {
    if (isGlob(arg)) files.push(...(await expandGlobs(config.dir, [arg])));
    else files.push(path.relative(config.dir, path.resolve(arg)));
  }
  return [...new Set(files)];
}

function toGate(doc: SourceDocument, config: Config, problems: Problem[]): Gate | undefined {
  const raw = doc.value as RawGate;
  const at = (p: KeyPath, key = false) => doc.locate(p, { key });
  const fail = (p: KeyPath, message: string, code = "gate") =>
    problems.push(problem(doc.file, message, { ...at(p, true), path: p.join("."), code }));
  const before = problems.length;

  if (raw.steps && (raw.request || raw.expect))
    fail(["steps"], "a gate has either request/expect or steps, not both");
  if (!raw.steps && !raw.request)
    fail([], `gate "${raw.name}" needs a request (with expect) or steps`);
  if (raw.request && !raw.expect)
    fail(["request"], `gate "${raw.name}" has no expect: a gate that asserts nothing cannot fail`);
  if (raw.teardown && !raw.steps) fail(["teardown"], "teardown belongs to a gate with steps");

  const defaults = config.defaults;
  const rawSteps: Array<{ step: RawStep; at: KeyPath }> = raw.steps
    ? raw.steps.map((step, i) => ({ step, at: ["steps", i] }))
    : raw.request
      ? [{ step: { request: raw.request, expect: raw.expect }, at: [] }]
      : [];
  const ctx: StepContext = {
    gateHost: raw.host,
    doc,
    timeoutMs: defaults.timeoutMs,
    dir: config.dir,
    fail,
  };
  const steps = rawSteps.map(({ step, at: p }, i) => toStep(step, i, p, ctx));
  const teardown = (raw.teardown ?? []).map((step, i) => toStep(step, i, ["teardown", i], ctx));

  if (raw.steps && steps.every((s) => s.implicitExpect))
    fail(["steps"], "no step has an expect: a flow that asserts nothing cannot fail");
  checkCaptureOrder(steps, teardown, raw.steps ? "steps" : undefined, fail);
  if (problems.length > before) return undefined;

  return {
    name: raw.name,
    file: doc.file,
    position: doc.position,
    host: raw.host,
    environments: raw.environments,
    flow: Boolean(raw.steps),
    steps,
    teardown,
    retry: {
      attempts: raw.retry?.attempts ?? 1,
      delayMs: parseDuration(raw.retry?.delay ?? "1s"),
      unsafe: raw.retry?.unsafe ?? false,
    },
    source: doc,
  };
}

type Fail = (p: KeyPath, message: string, code?: string) => void;

interface StepContext {
  gateHost: string;
  doc: SourceDocument;
  timeoutMs: number;
  /** The config directory, which gate file paths are relative to. */
  dir: string;
  fail: Fail;
}

function toStep(raw: RawStep, index: number, at: KeyPath, ctx: StepContext): Step {
  const { doc, fail } = ctx;
  const r = raw.request;
  const reqAt = [...at, "request"];
  if (r.path === undefined && r.url === undefined)
    fail(reqAt, "a request needs a path (or a full url)");
  if (r.path !== undefined && r.url !== undefined) fail(reqAt, "give either path or url, not both");
  if (r.json !== undefined && r.body !== undefined)
    fail(reqAt, "give either json or body, not both");
  if (r.contentType !== undefined && r.body === undefined)
    fail([...reqAt, "contentType"], "contentType describes a raw body; add body");
  const request: RequestSpec = {
    method: r.method ?? "GET",
    host: r.host ?? ctx.gateHost,
    path: r.path,
    url: r.url,
    query: r.query ?? {},
    headers: r.headers ?? {},
    json: r.json,
    hasJson: r.json !== undefined,
    body: r.body,
    contentType: r.contentType,
    timeoutMs: r.timeout !== undefined ? parseDuration(r.timeout) : ctx.timeoutMs,
    followRedirects: r.followRedirects ?? false,
  };
  const capture: Capture[] = Object.entries(raw.capture ?? {}).map(([name, c]) => ({
    name,
    from:
      typeof c === "string"
        ? { kind: "body", path: c }
        : "header" in c
          ? { kind: "header", name: c.header }
          : { kind: "status" },
  }));
  return {
    index,
    name: raw.name,
    request,
    expect: raw.expect
      ? toExpectation(raw.expect, [...at, "expect"], doc, ctx.dir)
      : implicitExpectation(),
    implicitExpect: raw.expect === undefined,
    capture,
    position: doc.locate(at),
  };
}

function toExpectation(raw: RawExpect, at: KeyPath, doc: SourceDocument, dir: string): Expectation {
  const positions: Expectation["positions"] = {};
  for (const key of Object.keys(raw)) positions[key] = doc.locate([...at, key], { key: true });
  const schema = raw.schema;
  return {
    // The schema's pattern admits only 100-599 and "1xx".."5xx".
    status: (raw.status === undefined ? undefined : [raw.status].flat()) as
      | StatusMatcher[]
      | undefined,
    headers: raw.headers,
    contentType: raw.contentType,
    maxDurationMs: raw.maxDuration !== undefined ? parseDuration(raw.maxDuration) : undefined,
    schema:
      schema === undefined
        ? undefined
        : typeof schema === "string"
          ? { label: schema, file: path.resolve(dir, path.dirname(doc.file), schema) }
          : { label: "inline schema", inline: schema },
    body: (raw.body ?? []).map((a, i) => ({
      ...a,
      index: i,
      position: doc.locate([...at, "body", i]),
    })),
    positions,
  };
}

function implicitExpectation(): Expectation {
  return { status: ["2xx", "3xx"], body: [], positions: {} };
}

function checkCaptureOrder(
  steps: Step[],
  teardown: Step[],
  stepsKey: string | undefined,
  fail: Fail,
): void {
  const known = new Set<string>();
  const check = (step: Step, at: KeyPath, available: Set<string>) => {
    const used = templateNames([
      step.request.path,
      step.request.url,
      step.request.query,
      step.request.headers,
      step.request.json,
      step.request.body,
      expectedValues(step.expect),
    ]);
    for (const name of used) {
      if (isBuiltinTemplate(name) || available.has(name)) continue;
      if (name.startsWith("run."))
        fail(at, `unknown template {{${name}}}; the run offers only {{run.id}}`, "template");
      else
        fail(
          at,
          `template {{${name}}} is not captured by an earlier step; capture it first or fix the name`,
          "template",
        );
    }
  };
  steps.forEach((step, i) => {
    check(step, stepsKey ? [stepsKey, i] : [], known);
    for (const c of step.capture) known.add(c.name);
  });
  teardown.forEach((step, i) => {
    check(step, ["teardown", i], known);
  });
}

function expectedValues(expect: Expectation | undefined): unknown {
  if (!expect) return undefined;
  return [
    expect.headers,
    expect.body.map(({ path: _p, index: _i, position: _pos, ...predicates }) => predicates),
  ];
}

function duplicateNames(gates: Gate[]): Problem[] {
  const seen = new Map<string, Gate>();
  const problems: Problem[] = [];
  for (const gate of gates) {
    const first = seen.get(gate.name);
    if (first) {
      problems.push(
        problem(
          gate.file,
          `gate name "${gate.name}" is already used at ${first.file}:${first.position.line}; names must be unique`,
          {
            ...gate.source.locate(["name"]),
            code: "duplicate-gate",
          },
        ),
      );
    } else seen.set(gate.name, gate);
  }
  return problems;
}
