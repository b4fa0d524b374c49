import { readFile } from "node:fs/promises";
import path from "node:path";
import { type ExecResult, exec } from "../util/exec.js";

/** The parts of package.json a release reads. */
export interface PackageInfo {
  name?: string;
  version?: string;
  private: boolean;
  publishConfig: Record<string, unknown>;
}

export async function readPackage(dir: string): Promise<PackageInfo | undefined> {
  try {
    const pkg = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const publishConfig =
      typeof pkg.publishConfig === "object" && pkg.publishConfig !== null
        ? (pkg.publishConfig as Record<string, unknown>)
        : {};
    return {
      name: typeof pkg.name === "string" ? pkg.name : undefined,
      version: typeof pkg.version === "string" ? pkg.version : undefined,
      private: pkg.private === true,
      publishConfig,
    };
  } catch {
    return undefined;
  }
}

/** npm bound to one package folder; every call an argument array with a timeout. */
export class Npm {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  constructor(cwd: string, env: NodeJS.ProcessEnv = process.env) {
    this.cwd = cwd;
    // npm must never wait for an update check or a browser login.
    this.env = { ...env, NPM_CONFIG_UPDATE_NOTIFIER: "false", NPM_CONFIG_FUND: "false" };
  }

  run(args: string[], opts: { timeoutMs?: number } = {}) {
    return exec("npm", args, { cwd: this.cwd, env: this.env, timeoutMs: opts.timeoutMs ?? 60_000 });
  }

  async config(key: string): Promise<string | undefined> {
    const r = await this.run(["config", "get", key]);
    const value = r.stdout.trim();
    return r.exitCode === 0 && value !== "" && value !== "undefined" ? value : undefined;
  }

  /**
   * The registry `npm publish` would use, in npm's order: `publishConfig.registry`,
   * then the scope's registry, then `registry`.
   */
  async publishRegistry(pkg: PackageInfo): Promise<string> {
    const fromPackage = pkg.publishConfig.registry;
    if (typeof fromPackage === "string" && fromPackage !== "") return withSlash(fromPackage);
    const scope = pkg.name?.startsWith("@") ? pkg.name.split("/")[0] : undefined;
    const scoped = scope ? await this.config(`${scope}:registry`) : undefined;
    return withSlash(scoped ?? (await this.config("registry")) ?? "https://registry.npmjs.org/");
  }

  /** Whether the registry serves NAME@VERSION: yes, no, or unknown (with the reason). */
  async published(
    name: string,
    version: string,
    registry: string,
  ): Promise<{ state: "yes" | "no" | "unknown"; detail: string }> {
    const r = await this.run([
      "view",
      `${name}@${version}`,
      "version",
      "--json",
      "--registry",
      registry,
    ]);
    if (r.exitCode === 0) {
      const out = r.stdout.trim();
      return out === "" ? { state: "no", detail: "" } : { state: "yes", detail: out };
    }
    if (/E404|404 Not Found|is not in this registry/i.test(r.stderr + r.stdout))
      return { state: "no", detail: "" };
    return { state: "unknown", detail: failureText(r) };
  }

  async whoami(registry: string): Promise<ExecResult> {
    return this.run(["whoami", "--registry", registry]);
  }

  /**
   * `npm publish`. npm runs in its own process group (so Ctrl-C lets it
   * finish), which cannot read the terminal: an OTP is asked by shipgate and
   * passed with `--otp`.
   */
  publish(args: { access?: string; tag: string; provenance: boolean; otp?: string }) {
    const argv = ["publish", "--tag", args.tag];
    if (args.access) argv.push("--access", args.access);
    if (args.provenance) argv.push("--provenance");
    if (args.otp) argv.push("--otp", args.otp);
    return this.run(argv, { timeoutMs: 10 * 60_000 });
  }
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

export function failureText(r: ExecResult): string {
  if (r.failedToStart) return `${r.command} could not start (is npm installed?)`;
  if (r.timedOut) return `${r.command} timed out and was stopped`;
  const lines = (r.stderr || r.stdout)
    .split("\n")
    .filter((l) => /\S/.test(l) && !/^npm (notice|verbose|timing)/.test(l));
  return `${r.command} exited ${r.exitCode ?? r.signal}${lines.length ? `: ${lines.slice(0, 6).join(" / ")}` : ""}`;
}

/** Trusted publishing (OIDC) is available: a CI that can mint an identity token. */
export function trustedPublishing(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_ACTIONS === "true" && env.ACTIONS_ID_TOKEN_REQUEST_URL) return "GitHub Actions";
  if (env.GITLAB_CI === "true" && (env.NPM_ID_TOKEN || env.SIGSTORE_ID_TOKEN)) return "GitLab CI";
  return undefined;
}

/** npm refused for want of a one-time password. */
export function needsOtp(r: ExecResult): boolean {
  return /EOTP|one-time pass/i.test(r.stderr + r.stdout);
}
