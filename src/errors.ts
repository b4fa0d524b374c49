/** A problem in the user's input, located in a file when it has a place. */
export interface Problem {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path to the value, such as `expect.body[0].path`. */
  path?: string;
  message: string;
  severity: "error" | "warning";
  /** Stable code for tests and tooling, such as `schema` or `template`. */
  code: string;
  /**
   * The message reads on from `file:line` as one sentence ("RUNBOOK.md:14
   * calls ..."); the column then follows the sentence.
   */
  sentence?: boolean;
}

/** Process exit codes, as SPEC.md gives them. */
export const ExitCode = {
  ok: 0,
  red: 1,
  input: 2,
  partial: 3,
  sigint: 130,
  sigterm: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad input or a refusal before any change: the CLI prints the problems and exits 2. */
export class InputError extends Error {
  readonly problems: Problem[];
  readonly kind: string;
  constructor(problems: Problem[], kind = "input") {
    super(problems.map(formatProblem).join("\n"));
    this.name = "InputError";
    this.problems = problems;
    this.kind = kind;
  }
}

/** A user-facing error with a stable code and an exit code. */
export class UserError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint?: string;
  constructor(
    code: string,
    message: string,
    opts: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "UserError";
    this.code = code;
    this.exitCode = opts.exitCode ?? ExitCode.input;
    this.hint = opts.hint;
  }
}

/** `file:line:column: path: message`, leaving out what is unknown. */
export function formatProblem(p: Problem): string {
  if (p.sentence && p.line !== undefined) {
    const level = p.severity === "warning" ? "warning: " : "";
    const column = p.column !== undefined ? ` (column ${p.column})` : "";
    return `${level}${p.file}:${p.line} ${p.message}${column}`;
  }
  let where = p.file;
  if (p.line !== undefined) where += `:${p.line}`;
  if (p.line !== undefined && p.column !== undefined) where += `:${p.column}`;
  const path = p.path ? `${p.path}: ` : "";
  const level = p.severity === "warning" ? "warning: " : "";
  return `${where}: ${level}${path}${p.message}`;
}

export function problem(
  file: string,
  message: string,
  extra: Partial<Omit<Problem, "file" | "message">> = {},
): Problem {
  return { file, message, severity: "error", code: "input", ...extra };
}
