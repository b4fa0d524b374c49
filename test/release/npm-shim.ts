import { access, chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** The npm the tests would run without the shim. */
export async function realNpm(): Promise<string> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "npm");
    try {
      await access(candidate);
      return candidate;
    } catch {
      // Not here.
    }
  }
  throw new Error("npm is not on PATH");
}

/**
 * An `npm` first on PATH that, for `publish` only, creates `publish-started`
 * in `dir` and waits until `go` exists there before running the real npm:
 * a test reaches "during publish" by watching for the file, not by timing.
 */
export async function installPublishGate(
  dir: string,
): Promise<{ bin: string; started: string; go: string }> {
  const bin = path.join(dir, "bin");
  await mkdir(bin, { recursive: true });
  const started = path.join(dir, "publish-started");
  const go = path.join(dir, "go");
  const script = `#!${process.execPath}
const { spawnSync } = require("node:child_process");
const { existsSync, writeFileSync } = require("node:fs");
const args = process.argv.slice(2);
const real = ${JSON.stringify(await realNpm())};
const run = () => {
  const r = spawnSync(real, args, { stdio: "inherit" });
  process.exit(r.status ?? 1);
};
if (args[0] !== "publish") run();
else {
  writeFileSync(${JSON.stringify(started)}, String(process.pid));
  const wait = () => (existsSync(${JSON.stringify(go)}) ? run() : setTimeout(wait, 20));
  wait();
}
`;
  const file = path.join(bin, "npm");
  await writeFile(file, script);
  await chmod(file, 0o755);
  return { bin, started, go };
}
