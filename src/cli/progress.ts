import type { ChalkInstance } from "chalk";
import { formatDuration } from "../config/units.js";
import type { Plan, PlannedGate } from "../plan/plan.js";
import type { GateResult } from "../run/result.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const FRAME_MS = 80;

export interface ProgressOptions {
  /** Where lines go; redacting, like every other output. */
  write: (text: string) => void;
  chalk: ChalkInstance;
  /** Spinners and cursor movement: only on a terminal outside CI. */
  live: boolean;
  /** The human reporter's lines for one finished gate (empty for a green gate under --quiet). */
  gateLines: (gate: GateResult) => string[];
  quiet?: boolean;
  command: string;
  shard?: string;
  /** Terminal width, for cutting running lines so the cursor arithmetic holds. */
  columns?: () => number | undefined;
}

export interface Progress {
  planned(plan: Plan): void;
  start(gate: PlannedGate): void;
  end(result: GateResult): void;
  /** Clears the running lines and stops the spinner; safe to call twice. */
  stop(): void;
  /** The lines printed for each gate that ended, by gate name. */
  shown(): ReadonlyMap<string, string[]>;
}

/** True when live progress may draw: stdout is a terminal that moves its cursor, and CI is not set. */
export function isLiveTerminal(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  return stream.isTTY === true && !ci && env.TERM !== "dumb";
}

/**
 * Gate lines while the run goes. Live: one line per running gate with a
 * spinner and its elapsed time, replaced by the gate's result lines when it
 * ends. Otherwise each gate's result lines as it ends, nothing else.
 */
export function createProgress(opts: ProgressOptions): Progress {
  const c = opts.chalk;
  const running = new Map<string, number>();
  const shown = new Map<string, string[]>();
  let drawn = 0;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;

  const runningLines = (): string[] => {
    const now = performance.now();
    const width = Math.max(20, (opts.columns?.() ?? 80) - 1);
    return [...running].map(([name, since]) => {
      const spinner = c.cyan(FRAMES[frame % FRAMES.length]!);
      const line = `  ${spinner} ${name}  ${c.dim(formatDuration(now - since))}`;
      return cut(line, width);
    });
  };

  // Erase the running block, print what is final above it, draw it again.
  const redraw = (final: string[] = []) => {
    let text = drawn > 0 ? `\x1b[${drawn}A\r\x1b[J` : "";
    if (final.length > 0) text += `${final.join("\n")}\n`;
    const lines = runningLines();
    if (lines.length > 0) text += `${lines.join("\n")}\n`;
    drawn = lines.length;
    if (text) opts.write(text);
  };

  return {
    planned(plan) {
      // With no gate to show, the report prints its own header at the end.
      if (opts.quiet || plan.gates.length === 0) return;
      const hosts = Object.entries(plan.environment.hosts)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ");
      opts.write(
        `${c.bold(`shipgate ${opts.command} · ${plan.environment.name}`)}${c.dim(`  ${hosts}${opts.shard ? `  shard ${opts.shard}` : ""}`)}\n\n`,
      );
    },
    start(gate) {
      if (!opts.live) return;
      running.set(gate.gate.name, performance.now());
      redraw();
      if (!timer) {
        timer = setInterval(() => {
          frame++;
          redraw();
        }, FRAME_MS);
        timer.unref();
      }
    },
    end(result) {
      const lines = opts.gateLines(result);
      shown.set(result.name, lines);
      if (!opts.live) {
        if (lines.length > 0) opts.write(`${lines.join("\n")}\n`);
        return;
      }
      running.delete(result.name);
      redraw(lines);
      if (running.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      running.clear();
      if (opts.live && drawn > 0) redraw();
    },
    shown: () => shown,
  };
}

/**
 * The human report without what progress already printed: the header and
 * the gate lines. What is left is the closing part (skipped gates, sections,
 * the summary line), after the lines of any gate judged again once the run
 * ended (a rehearsal's audit turns a gate red), which progress showed as it
 * was then.
 */
export function afterProgress(full: string, gates: GateLines[], quiet: boolean): string {
  const final = gates.flatMap((g) => g.lines);
  if (final.length === 0) return full;
  const block = `${final.join("\n")}\n`;
  const at = full.indexOf(block);
  if (at < 0 || (quiet && at !== 0)) return full;
  const changed = gates
    .filter((g) => g.shown === undefined || g.shown.join("\n") !== g.lines.join("\n"))
    .flatMap((g) => g.lines);
  const again = changed.length > 0 ? `\n${changed.join("\n")}\n` : "";
  return again + full.slice(at + block.length);
}

/** A gate's lines in the final report, and those progress printed for it. */
export interface GateLines {
  lines: string[];
  shown?: string[];
}

/** Cuts a line (which may hold colour codes) to a number of visible characters. */
function cut(line: string, width: number): string {
  let visible = 0;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    const esc = /^\x1b\[[0-9;]*m/.exec(line.slice(i));
    if (esc) {
      out += esc[0];
      i += esc[0].length - 1;
      continue;
    }
    if (visible >= width) continue;
    out += line[i];
    visible++;
  }
  return out;
}
