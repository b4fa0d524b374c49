/** The outcome of a subprocess; never thrown for a non-zero exit. */
export interface ExecResult {
  command: string;
  exitCode: number | undefined;
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when the program could not be started at all (not installed). */
  failedToStart: boolean;
}

export interface ExecOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Kills the whole process group after this long; 60 s by default. */
  timeoutMs?: number;
  input?: string;
  /** Let the child use the terminal (npm's OTP prompt); output is then not captured. */
  inheritStdio?: boolean;
}

const KILL_GRACE_MS = 2_000;

/**
 * Runs a program with an argument array (never a shell) in its own process
 * group, so a timeout kills the grandchildren too (npm spawns shells that
 * keep stdout open).
 */
export async function exec(file: string, args: string[], opts: ExecOptions): Promise<ExecResult> {
  const { execa } = await import("execa");
  const child = execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: opts.env === undefined,
    detached: true,
    reject: false,
    input: opts.input,
    stdin: opts.inheritStdio ? "inherit" : opts.input === undefined ? "ignore" : "pipe",
    stdout: opts.inheritStdio ? "inherit" : "pipe",
    stderr: opts.inheritStdio ? "inherit" : "pipe",
    stripFinalNewline: true,
  });
  let timedOut = false;
  const killGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup("SIGTERM");
    setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS).unref();
  }, opts.timeoutMs ?? 60_000);
  try {
    const result = await child;
    return {
      command: [file, ...args].join(" "),
      exitCode: result.exitCode,
      signal: result.signal,
      stdout: typeof result.stdout === "string" ? result.stdout : "",
      stderr: typeof result.stderr === "string" ? result.stderr : "",
      timedOut,
      failedToStart:
        result.failed && result.exitCode === undefined && !timedOut && result.signal === undefined,
    };
  } finally {
    clearTimeout(timer);
  }
}
