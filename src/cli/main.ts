import { Command, CommanderError, Option } from "commander";
import { ExitCode } from "../errors.js";
import { shipgateVersion } from "../util/version.js";
import { handleError } from "./errors.js";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds the flags every gate-running command shares. */
function common(cmd: Command, { shard = true } = {}): Command {
  cmd
    .option("--env <name>", "the environment (may be left out when there is only one)")
    .option("--config <path>", "shipgate.yaml to use", "shipgate.yaml")
    .option("--reporter <name[=file]>", "human, json, junit or github; repeatable", collect, [])
    .option("--concurrency <n>", "gates run at once (default 8)")
    .option("--deadline <duration>", "bound for the whole run, such as 5m")
    .option("--quiet", "print only failures")
    .option("--verbose", "print every step, attempt and capture")
    .option("--no-color", "no colour in output");
  if (shard) cmd.option("--shard <I/N>", "run only shard I of N (for CI matrices)");
  return cmd;
}

export function buildProgram(): Command {
  const program = new Command("shipgate")
    .description(
      "A release gate: run declarative HTTP checks, and only when all are green tag, publish and push.",
    )
    .version(shipgateVersion(), "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride();

  common(
    program
      .command("check")
      .description("run gates against an environment, report, exit")
      .argument("[gate...]", "gate files or globs (default: the config's gates)"),
  ).action(async (gates: string[], opts) =>
    (await import("./commands/check.js")).checkCommand(gates, opts),
  );

  common(
    program
      .command("lint")
      .description("validate config, gates and RUNBOOK.md; --audit proves each gate can fail"),
  )
    .option("--audit", "run each gate once and judge mutated copies of its response")
    .option("--runbook <path>", "the runbook to check", "RUNBOOK.md")
    .action(async (opts) => (await import("./commands/lint.js")).lintCommand(opts));

  common(
    program
      .command("release")
      .description("preflight, gates, then tag, publish and push")
      .argument("<version>", "the version to release (semver)"),
    { shard: false },
  )
    .option("--dry-run", "exactly rehearse: run everything read-only and print what would change")
    .option("--yes", "do not ask for confirmation")
    .option(
      "--skip-rehearsal",
      "release without a recorded rehearsal (written into the tag evidence)",
    )
    .option("--otp <code>", "one-time password passed to npm publish")
    .addOption(new Option("--shard <I/N>").hideHelp())
    .action(async (version: string, opts) =>
      (await import("./commands/release.js")).releaseCommand(version, opts),
    );

  common(
    program
      .command("rehearse")
      .description(
        "preflight and gates for real, every irreversible step printed, not run; records the rehearsal",
      )
      .argument("[version]", "the version a release would have"),
  ).action(async (version: string | undefined, opts) =>
    (await import("./commands/release.js")).rehearseCommand(version, opts),
  );

  program
    .command("init")
    .description("write a starter shipgate.yaml and gate")
    .action(async () => (await import("./commands/init.js")).initCommand());

  program
    .command("demo")
    .description(
      "the whole story on loopback: a rehearsal, three refused releases, a green release",
    )
    .option("--no-color", "no colour in output")
    .action(async (opts) => (await import("./commands/demo.js")).demoCommand(opts));

  return program;
}

/** The CLI: parse, run one command, exit with its code. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      // Help and version are exit 0; every usage error is bad input.
      process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.input;
      return;
    }
    process.exitCode = handleError(error);
  }
}
