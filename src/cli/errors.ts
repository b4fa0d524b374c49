import { ExitCode, formatProblem, InputError, UserError } from "../errors.js";
import type { Output } from "./output.js";

/** Set once something irreversible has begun: a crash after it exits 3, not 2. */
let irreversibleBegan = false;

export function markIrreversible(): void {
  irreversibleBegan = true;
}

export function hasIrreversibleBegun(): boolean {
  return irreversibleBegan;
}

/** Prints an error the way a user should see it and returns the exit code. */
export function handleError(error: unknown, output?: Output): number {
  const write = (text: string) => (output ? output.err(text) : process.stderr.write(text));
  if (error instanceof InputError) {
    const errors = error.problems.filter((p) => p.severity === "error").length;
    write(`${error.problems.map(formatProblem).join("\n")}\n`);
    write(`shipgate: ${errors} problem${errors === 1 ? "" : "s"} in the input; nothing was run\n`);
    return ExitCode.input;
  }
  if (error instanceof UserError) {
    write(`shipgate: ${error.message}\n`);
    if (error.hint) write(`  hint: ${error.hint}\n`);
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  write(`${stack}\n`);
  write(
    "shipgate: internal error: this is a bug in shipgate, please report it with the trace above\n",
  );
  return irreversibleBegan ? ExitCode.partial : ExitCode.input;
}
