import path from "node:path";
import { expandGlobs, isGlob } from "../config/glob.js";
import { configFile } from "../config/load-config.js";
import type { Config, Gate, Step } from "../config/model.js";
import { type Problem, problem } from "../errors.js";
import { codeLines, findUrls, type FoundUrl, shipgateInvocations } from "./markdown.js";
import { gateEnvironments } from "./rules.js";

export interface RunbookInput {
  config: Config;
  /** Gates that loaded; undefined when they could not be loaded at all. */
  gates?: Gate[];
  /** The runbook's text, and its name for messages. */
  text: string;
  file: string;
  /** Parses a command's words with the CLI's own grammar; commands are not checked without it. */
  parseCommand?: CommandParser;
  /**
   * Loads another shipgate.yaml (a path from the config folder) and its gates,
   * for a command with `--config`; such commands are not checked without it.
   */
  loadConfig?: (configPath: string) => Promise<OtherConfig>;
}

/** Another config a runbook command names, loaded, or why it does not load. */
export type OtherConfig = { config: Config; gates: Gate[] } | { problem: string };

/** A parsed command line: the subcommand, its arguments and options, or why it does not parse. */
export type ParsedCommand =
  | { name?: string; args: Array<string | string[]>; opts: Record<string, unknown> }
  | { error: string };
export type CommandParser = (args: string[]) => ParsedCommand;

/** RUNBOOK.md drift: URLs on the wrong host and shipgate commands that would not run. */
export async function checkRunbook(input: RunbookInput): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const url of findUrls(input.text)) problems.push(...checkUrl(url, input));
  for (const line of codeLines(input.text)) {
    for (const args of shipgateInvocations(line.text)) {
      // In prose, `shipgate release` alone names the command (which must exist);
      // with arguments it is a command to run, checked like one in a code block.
      if (line.inline && args.length < 2) problems.push(...checkCommandName(args, line, input));
      else problems.push(...(await checkCommand(args, line, input)));
    }
  }
  return problems;
}

interface HostUse {
  env: string;
  key: string;
  base: string;
}

function allHosts(config: Config): HostUse[] {
  return Object.values(config.environments).flatMap((env) =>
    Object.entries(env.hosts).map(([key, base]) => ({ env: env.name, key, base })),
  );
}

/** The configured host a URL is on (the longest base URL it starts with), if any. */
function hostOf(url: string, config: Config): HostUse | undefined {
  const matches = allHosts(config).filter(
    (h) =>
      url === h.base ||
      url.startsWith(`${h.base}/`) ||
      url.startsWith(`${h.base}?`) ||
      sameOrigin(url, h.base),
  );
  return matches.sort((a, b) => b.base.length - a.base.length)[0];
}

function sameOrigin(url: string, base: string): boolean {
  try {
    const b = new URL(base);
    return b.pathname === "/" && new URL(url).origin === b.origin;
  } catch {
    return false;
  }
}

/** A gate request path as a regular expression; a template stands for one path segment. */
function pathPattern(p: string): RegExp {
  const parts = p.split(/\{\{[^}]*\}\}/).map((s) => s.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&"));
  return new RegExp(`^${parts.join("[^/]+")}/?$`);
}

function checkUrl(found: FoundUrl, input: RunbookInput): Problem[] {
  const { config } = input;
  let parsed: URL;
  try {
    parsed = new URL(found.url);
  } catch {
    return [];
  }
  const host = hostOf(found.url, config);
  const at = { line: found.line, column: found.column };
  for (const gate of input.gates ?? []) {
    for (const step of gate.steps) {
      const match = gateOnWrongHost(found.url, parsed, gate, step, host, input);
      if (match)
        return [problem(input.file, match, { ...at, code: "runbook-host", sentence: true })];
    }
  }
  if (host) return [];
  return [
    problem(
      input.file,
      `${found.url} is on no host configured in ${config.file} (${parsed.origin}); if it is one of yours, add it to an environment's hosts`,
      { ...at, severity: "warning", code: "runbook-unknown-host" },
    ),
  ];
}

/** The error message when the URL calls this step's path on a host the gate never runs on. */
function gateOnWrongHost(
  url: string,
  parsed: URL,
  gate: Gate,
  step: Step,
  host: HostUse | undefined,
  input: RunbookInput,
): string | undefined {
  const requestPath = step.request.path;
  if (requestPath === undefined) return undefined;
  const key = step.request.host;
  const basesIn = (envs: string[]) =>
    envs
      .map((env) => ({ env, base: input.config.environments[env]!.hosts[key] }))
      .filter((b): b is { env: string; base: string } => b.base !== undefined);
  // Right in any environment; the host to name comes from those the gate applies to.
  const anywhere = basesIn(Object.keys(input.config.environments));
  const applies = basesIn(gateEnvironments(input.config, gate));
  const bases = applies.length > 0 ? applies : anywhere;
  // The path the URL calls, relative to the host it is on (or to its origin).
  const relative = host ? url.slice(host.base.length) : `${parsed.pathname}`;
  const pathOnly = `/${relative.replace(/^\/+/, "").split(/[?#]/)[0]}`;
  const wanted = `/${requestPath.replace(/^\/+/, "").split("?")[0]}`;
  if (!pathPattern(wanted).test(pathOnly)) return undefined;
  // Any site's front page has path /: on a host shipgate does not know, that is no evidence.
  if (!host && wanted === "/") return undefined;
  if (host && anywhere.some((b) => b.base === host.base)) return undefined;
  if (!host && anywhere.some((b) => url.startsWith(b.base))) return undefined;
  // Name the gate's host in the environment the URL points into, else a protected one.
  const right =
    bases.find((b) => b.env === host?.env) ??
    bases.find((b) => input.config.environments[b.env]!.protected) ??
    bases[0];
  if (!right) return undefined;
  return `calls ${url} but the gate ${gate.name} runs on ${right.env}'s ${key} host ${right.base}`;
}

const NEEDS_ENV = new Set(["check", "release", "rehearse"]);

/** A command named in prose must exist; a reference needs none of its arguments. */
function checkCommandName(
  args: string[],
  at: { line: number; column: number },
  input: RunbookInput,
): Problem[] {
  const parsed = input.parseCommand?.(args);
  if (!parsed || !("error" in parsed) || !/unknown command/i.test(parsed.error)) return [];
  return [
    problem(input.file, `\`shipgate ${args.join(" ")}\` names no shipgate command`, {
      ...at,
      code: "runbook-command",
    }),
  ];
}

async function checkCommand(
  args: string[],
  at: { line: number; column: number },
  input: RunbookInput,
): Promise<Problem[]> {
  const shown = `shipgate ${args.join(" ")}`.trim();
  const fail = (message: string, severity: "error" | "warning" = "error") =>
    problem(input.file, message, { ...at, severity, code: "runbook-command" });
  if (!input.parseCommand) return [];
  const parsed = input.parseCommand(args);
  if ("error" in parsed)
    return [fail(`\`${shown}\` does not parse: ${parsed.error.replace(/\s*\n\s*/g, " ")}`)];
  if (parsed.name === undefined) return [];
  const { config } = input;
  const configPath = parsed.opts.config;
  if (
    typeof configPath === "string" &&
    // Runbook commands run from the config folder; config.file is named from the working directory.
    configFile(configPath, config.dir) !== path.join(config.dir, path.basename(config.file))
  ) {
    if (!input.loadConfig || configPath.includes("$")) return [];
    const other = await input.loadConfig(configPath);
    if ("problem" in other)
      return [
        fail(`\`${shown}\` names config ${configPath}, which does not load: ${other.problem}`),
      ];
    return checkParsed(parsed, shown, fail, { ...input, ...other });
  }
  return checkParsed(parsed, shown, fail, input);
}

async function checkParsed(
  parsed: Exclude<ParsedCommand, { error: string }>,
  shown: string,
  fail: (message: string) => Problem,
  input: RunbookInput,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  const { config } = input;
  const envs = Object.keys(config.environments);
  const env = parsed.opts.env as string | undefined;
  const runsGates =
    NEEDS_ENV.has(parsed.name ?? "") || (parsed.name === "lint" && parsed.opts.audit);
  if (env !== undefined && !env.includes("$") && !envs.includes(env))
    problems.push(
      fail(
        `\`${shown}\` names environment "${env}", which ${config.file} does not define (environments: ${envs.join(", ")})`,
      ),
    );
  if (env === undefined && runsGates && envs.length > 1)
    problems.push(fail(`\`${shown}\` needs --env: ${config.file} defines ${envs.join(", ")}`));
  if (parsed.name === "check" && input.gates) {
    for (const arg of parsed.args.flat()) {
      if (arg.includes("$")) continue;
      if (!(await namesGate(arg, input))) {
        problems.push(
          fail(`\`${shown}\` names gate "${arg}", which matches no gate file of ${config.file}`),
        );
      }
    }
  }
  return problems;
}

async function namesGate(arg: string, input: RunbookInput): Promise<boolean> {
  const gates = input.gates ?? [];
  const rel = path.normalize(arg);
  if (gates.some((g) => g.name === arg || path.normalize(g.file) === rel)) return true;
  if (isGlob(arg)) return (await expandGlobs(input.config.dir, [arg])).length > 0;
  return false;
}
