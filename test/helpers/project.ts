import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface Project {
  dir: string;
  write(file: string, text: string): Promise<string>;
  remove(): Promise<void>;
}

/** A temporary project folder with files from an inline tree. */
export async function makeProject(files: Record<string, string | Buffer> = {}): Promise<Project> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "shipgate-test-"));
  const write = async (file: string, text: string | Buffer) => {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    return target;
  };
  for (const [file, text] of Object.entries(files)) await write(file, text);
  return { dir, write, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A shipgate.yaml with one environment per entry of `envs` (name to hosts). */
export function configYaml(envs: Record<string, Record<string, string>>, extra = ""): string {
  const lines = ["environments:"];
  for (const [name, hosts] of Object.entries(envs)) {
    lines.push(`  ${name}:`, "    hosts:");
    for (const [key, url] of Object.entries(hosts)) lines.push(`      ${key}: ${url}`);
  }
  return `${lines.join("\n")}\n${extra}`;
}
