import { randomBytes } from "node:crypto";
import type { Config } from "../config/model.js";
import type { Plan } from "../plan/plan.js";
import type { RunResult } from "../run/run-gates.js";
import { exec } from "../util/exec.js";
import { shipgateVersion } from "../util/version.js";
import { gateHash } from "./hash.js";

/*
 * Where rehearsals are recorded, and why there.
 *
 * Each rehearsal run writes one commit (no parent) whose tree holds
 * `rehearsal.json`, a JSON array of RehearsalEntry, and points a ref of its
 * own at it:
 *
 *   refs/shipgate/rehearsals/<environment>/<UTC time>-<8 random hex>
 *
 * and pushes exactly that ref to `release.remote`. Because every run
 * creates a new ref and never updates one, two rehearsals pushing at once
 * can never reject each other (no fast-forward race, unlike a shared notes
 * ref or branch). A release fetches its environment's folder,
 * `refs/shipgate/rehearsals/<environment>/*`, from the remote into the same
 * local names and reads every entry there. The refs live
 * outside refs/heads and refs/tags, so clones, `--tags` pushes and branch
 * listings never see them. They accumulate: one small commit per rehearsal;
 * deleting old ones on the remote is safe (a release only needs the newest
 * green rehearsal of each gate's current content).
 */
export const RECORD_PREFIX = "refs/shipgate/rehearsals";
const RECORD_FILE = "rehearsal.json";

/** One gate's result in one rehearsal. */
export interface RehearsalEntry {
  gate: string;
  /** gateHash: the gate document, its schema files and the effective defaults. */
  hash: string;
  environment: string;
  /** The base URL the gate ran against. */
  host: string;
  ok: boolean;
  /** ISO time the rehearsal's gates started. */
  at: string;
  shipgateVersion: string;
}

/** The entries to record for a rehearsal's run: one per gate that ran. */
export async function rehearsalEntries(
  plan: Plan,
  run: RunResult,
  config: Config,
): Promise<RehearsalEntry[]> {
  const entries: RehearsalEntry[] = [];
  for (const result of run.gates) {
    const planned = plan.gates.find((g) => g.gate.name === result.name);
    if (!planned) continue;
    entries.push({
      gate: result.name,
      hash: await gateHash(planned.gate, config, planned.environment),
      environment: run.environment,
      host: withoutCredentials(planned.hostUrl),
      ok: result.ok && !result.notRun,
      at: run.startedAt,
      shipgateVersion: shipgateVersion(),
    });
  }
  return entries;
}

/** Git that never prompts: no terminal credentials, SSH in batch mode. */
export function gitEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_SSH_COMMAND: env.GIT_SSH_COMMAND ?? "ssh -o BatchMode=yes",
  };
}

async function git(cwd: string, env: NodeJS.ProcessEnv, args: string[], input?: string) {
  return exec("git", args, { cwd, env, input, timeoutMs: 60_000 });
}

function failed(r: { exitCode: number | undefined; timedOut: boolean }): boolean {
  return r.exitCode !== 0 || r.timedOut;
}

function why(r: { stderr: string; timedOut: boolean; command: string }): string {
  const text = r.timedOut ? `${r.command} timed out` : r.stderr.trim() || `${r.command} failed`;
  return withoutCredentials(text);
}

/** `https://user:token@host` becomes `https://***@host`: remote and host URLs may carry secrets. */
export function withoutCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1***@");
}

/** A ref name segment: environment names may hold characters git refuses. */
function refSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

/** The folder of one environment's rehearsal refs, with its trailing slash. */
function recordFolder(environment: string): string {
  return `${RECORD_PREFIX}/${refSegment(environment)}/`;
}

function newRefName(environment: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${recordFolder(environment)}${stamp}-${randomBytes(4).toString("hex")}`;
}

/** Writes the entries as one commit under a new ref and pushes that ref alone. */
export async function pushRehearsalRecord(opts: {
  cwd: string;
  remote: string;
  entries: RehearsalEntry[];
  env?: NodeJS.ProcessEnv;
}): Promise<{ ok: boolean; message: string }> {
  if (opts.entries.length === 0) return { ok: true, message: "no gate ran: nothing to record" };
  const env = gitEnv(opts.env);
  const environment = opts.entries[0]!.environment;
  const ref = newRefName(environment, new Date());
  const commit = await writeCommit(opts.cwd, env, opts.entries);
  if ("error" in commit)
    return { ok: false, message: `cannot write the rehearsal record: ${commit.error}` };
  const update = await git(opts.cwd, env, ["update-ref", ref, commit.oid]);
  if (failed(update)) return { ok: false, message: `cannot write ${ref}: ${why(update)}` };

  // A new ref never conflicts; a retry only covers a flaky connection.
  let push = await git(opts.cwd, env, ["push", "--quiet", opts.remote, `${ref}:${ref}`]);
  if (failed(push))
    push = await git(opts.cwd, env, ["push", "--quiet", opts.remote, `${ref}:${ref}`]);
  if (failed(push))
    return {
      ok: false,
      message: `the rehearsal is recorded locally as ${ref} but could not be pushed to ${opts.remote}: ${why(push)}; push it with: git push ${opts.remote} ${ref}:${ref}`,
    };
  return { ok: true, message: `rehearsal recorded as ${ref} on ${opts.remote}` };
}

async function writeCommit(
  cwd: string,
  env: NodeJS.ProcessEnv,
  entries: RehearsalEntry[],
): Promise<{ oid: string } | { error: string }> {
  const blob = await git(
    cwd,
    env,
    ["hash-object", "-w", "--stdin"],
    `${JSON.stringify(entries, null, 2)}\n`,
  );
  if (failed(blob)) return { error: why(blob) };
  const tree = await git(
    cwd,
    env,
    ["mktree"],
    `100644 blob ${blob.stdout.trim()}\t${RECORD_FILE}\n`,
  );
  if (failed(tree)) return { error: why(tree) };
  const gates = entries.map((e) => `${e.ok ? "green" : "red"}  ${e.gate}`).join("\n");
  const message = `shipgate rehearsal against ${entries[0]!.environment}\n\n${gates}\n`;
  const args = ["commit-tree", tree.stdout.trim(), "-m", message];
  let commit = await git(cwd, env, args);
  // With no committer identity configured, the record still needs an author.
  if (failed(commit) && /identity|user\.email|user\.name/i.test(commit.stderr))
    commit = await git(cwd, env, [
      "-c",
      "user.name=shipgate",
      "-c",
      "user.email=shipgate@localhost",
      ...args,
    ]);
  if (failed(commit)) return { error: why(commit) };
  return { oid: commit.stdout.trim() };
}

/**
 * Fetches the rehearsal refs of one environment from the remote (only its
 * folder: records of other environments never count for it); the local
 * copies are kept when it fails.
 */
async function fetchRecords(
  cwd: string,
  remote: string,
  env: NodeJS.ProcessEnv,
  environment: string,
): Promise<string | undefined> {
  const refs = `${recordFolder(environment)}*`;
  const r = await git(cwd, env, ["fetch", "--quiet", "--no-tags", remote, `+${refs}:${refs}`]);
  return failed(r) ? why(r) : undefined;
}

/** Every entry of the rehearsal refs in the local repository, of one environment's folder when given. */
export async function readRecords(
  cwd: string,
  env?: NodeJS.ProcessEnv,
  environment?: string,
): Promise<RehearsalEntry[]> {
  const genv = gitEnv(env);
  const prefix = environment === undefined ? `${RECORD_PREFIX}/` : recordFolder(environment);
  const refs = await git(cwd, genv, ["for-each-ref", "--format=%(refname)", prefix]);
  if (failed(refs)) throw new Error(`cannot list rehearsal records: ${why(refs)}`);
  const names = refs.stdout.split("\n").filter(Boolean);
  if (names.length === 0) return [];
  const batch = await git(
    cwd,
    genv,
    ["cat-file", "--batch"],
    names.map((n) => `${n}:${RECORD_FILE}\n`).join(""),
  );
  if (failed(batch)) throw new Error(`cannot read rehearsal records: ${why(batch)}`);
  return parseBatch(batch.stdout).flatMap(parseEntries);
}

/** `git cat-file --batch` output: a header line, then exactly that many bytes, then a newline. */
function parseBatch(stdout: string): string[] {
  const bytes = Buffer.from(stdout, "utf8");
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const eol = bytes.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = bytes.subarray(at, eol).toString("utf8");
    at = eol + 1;
    const m = /^\S+ (\S+) (\d+)$/.exec(header);
    if (!m) continue; // "<name> missing": a ref that holds no record.
    const size = Number(m[2]);
    if (m[1] === "blob") out.push(bytes.subarray(at, at + size).toString("utf8"));
    at += size + 1;
  }
  return out;
}

function parseEntries(text: string): RehearsalEntry[] {
  try {
    const value = JSON.parse(text) as unknown;
    if (!Array.isArray(value)) return [];
    return value.filter(
      (e): e is RehearsalEntry =>
        e !== null &&
        typeof e === "object" &&
        typeof e.gate === "string" &&
        typeof e.hash === "string" &&
        typeof e.environment === "string" &&
        typeof e.host === "string" &&
        typeof e.ok === "boolean" &&
        typeof e.at === "string",
    );
  } catch {
    // A ref someone else wrote by hand: not a record of ours.
    return [];
  }
}

/**
 * The planned gates with no green rehearsal against the plan's environment
 * at their current content and host, each with the reason and what to run.
 */
export async function missingRehearsals(opts: {
  cwd: string;
  remote: string;
  config: Config;
  plan: Plan;
  env?: NodeJS.ProcessEnv;
}): Promise<Array<{ gate: string; file: string; reason: string }>> {
  const env = gitEnv(opts.env);
  const environment = opts.plan.environment.name;
  const fetchError = await fetchRecords(opts.cwd, opts.remote, env, environment);
  const entries = (await readRecords(opts.cwd, opts.env, environment)).filter(
    (e) => e.environment === environment,
  );
  const missing: Array<{ gate: string; file: string; reason: string }> = [];
  for (const planned of opts.plan.gates) {
    const { gate } = planned;
    const hash = await gateHash(gate, opts.config, planned.environment);
    const mine = entries
      .filter((e) => e.gate === gate.name)
      .sort((a, b) => b.at.localeCompare(a.at));
    const host = withoutCredentials(planned.hostUrl);
    if (mine.some((e) => e.ok && e.hash === hash && e.host === host)) continue;
    let reason = explain(mine, hash, host, environment);
    if (fetchError)
      reason += ` (fetching rehearsals from ${opts.remote} failed, so only local records were read: ${fetchError})`;
    // The caller names the command that fixes it: shipgate rehearse --env NAME.
    missing.push({ gate: gate.name, file: gate.file, reason });
  }
  return missing;
}

function explain(mine: RehearsalEntry[], hash: string, host: string, environment: string): string {
  if (mine.length === 0) return `never rehearsed against ${environment}`;
  const same = mine.filter((e) => e.hash === hash && e.host === host);
  if (same.length > 0)
    return `its rehearsal against ${environment} at this content and host was red (${same[0]!.at})`;
  const sameContent = mine.find((e) => e.hash === hash);
  if (sameContent)
    return `the host changed: rehearsed against ${sameContent.host} (${sameContent.at}), now ${host}`;
  const hostNow = mine.find((e) => e.host === host) ?? mine[0]!;
  return `the gate changed since its last rehearsal against ${environment} (${hostNow.at}): its file, a schema it references or the defaults differ`;
}
