import { parseDuration } from "../config/units.js";
import { UserError } from "../errors.js";

export interface CommonOptions {
  config?: string;
  env?: string;
  reporter: string[];
  concurrency?: string;
  deadline?: string;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  shard?: string;
}

export interface ReporterTarget {
  name: "human" | "json" | "junit" | "github";
  /** A file to write; stdout when left out. */
  file?: string;
}

const REPORTERS = ["human", "json", "junit", "github"] as const;

export function parseReporters(values: string[]): ReporterTarget[] {
  const list = values.length > 0 ? values : ["human"];
  return list.map((value) => {
    const [name, file] = value.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!(REPORTERS as readonly string[]).includes(name)) {
      throw new UserError(
        "flag.reporter",
        `unknown reporter "${name}"; use ${REPORTERS.join(", ")} (optionally NAME=FILE)`,
      );
    }
    if (file === "")
      throw new UserError("flag.reporter", `--reporter ${name}= needs a file name after =`);
    return { name: name as ReporterTarget["name"], file };
  });
}

export function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new UserError(
      "flag.concurrency",
      `--concurrency takes a whole number from 1 to 256, got "${value}"`,
    );
  return n;
}

export function parseDeadline(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    const ms = parseDuration(/^\d+$/.test(value) ? `${value}s` : value);
    // Above 2^31 - 1 ms a timer fires at once: the run would stop before it began.
    if (ms <= 0 || ms > 2 ** 31 - 1) throw new Error("out of range");
    return ms;
  } catch {
    throw new UserError(
      "flag.deadline",
      `--deadline takes a duration such as 90s or 5m, got "${value}"`,
    );
  }
}

/** `I/N` with 1 <= I <= N. */
export function parseShard(
  value: string | undefined,
): { index: number; total: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || index < 1 || index > total)
    throw new UserError(
      "flag.shard",
      `--shard takes I/N with 1 <= I <= N, such as 2/4; got "${value}"`,
    );
  return { index, total };
}
