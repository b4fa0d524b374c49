import { readFile, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { UserError } from "../errors.js";

const LOCK_FILE = "shipgate-release.lock";

/** A held release lock; `release()` is safe to call twice. */
export interface ReleaseLock {
  file: string;
  release(): Promise<void>;
}

/**
 * Takes the repository's release lock (a file in .git created exclusively).
 * A lock whose process is gone on this host is stale and taken over; a live
 * one is a refusal, exit 2.
 */
export async function acquireLock(gitDir: string): Promise<ReleaseLock> {
  const file = path.join(gitDir, LOCK_FILE);
  const body = `${JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString() })}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, body, { flag: "wx" });
      let released = false;
      return {
        file,
        async release() {
          if (released) return;
          released = true;
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = await readHolder(file);
      if (holder && isAlive(holder)) {
        throw new UserError(
          "lock-held",
          `another release of this repository is running (pid ${holder.pid} on ${holder.host}, since ${holder.at})`,
          { hint: `wait for it to finish; if it is gone, remove ${file}` },
        );
      }
      // Stale: its process is gone. Remove it and try again.
      await unlink(file).catch(() => undefined);
    }
  }
  throw new UserError("lock-held", `could not take the release lock ${file}`, {
    hint: `remove ${file} if no release is running`,
  });
}

interface Holder {
  pid: number;
  host: string;
  at: string;
}

async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    const value = JSON.parse(await readFile(file, "utf8")) as Partial<Holder>;
    if (typeof value.pid !== "number") return undefined;
    return { pid: value.pid, host: String(value.host ?? "?"), at: String(value.at ?? "?") };
  } catch {
    // Unreadable (half-written by a starting release): count it as held, never steal it.
    return { pid: -1, host: "?", at: "?" };
  }
}

function isAlive(holder: Holder): boolean {
  // A lock from another host cannot be checked by pid; it counts as held.
  if (holder.host !== os.hostname()) return true;
  if (holder.pid <= 0) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
