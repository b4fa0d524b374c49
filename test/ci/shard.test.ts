import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { configYaml, makeProject } from "../helpers/project.js";
import { manyGates, useCiProject } from "./fixture.js";

const GATES = 13;
const ALL = Array.from({ length: GATES }, (_, i) => `g${String(i + 1).padStart(2, "0")}`);

describe("--shard I/N", () => {
  const ci = useCiProject(() => ({ "gates/many.yaml": manyGates(GATES) }));

  /** The gate names one shard ran, from its JSON report. */
  async function shardNames(index: number, total: number): Promise<string[]> {
    const result = await runCli(["check", "--shard", `${index}/${total}`, "--reporter", "json"], {
      cwd: ci.project.dir,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      shard: string;
      gates: Array<{ name: string }>;
    };
    expect(report.shard).toBe(`${index}/${total}`);
    return report.gates.map((g) => g.name);
  }

  for (const total of [1, 2, 3, 4, 5]) {
    it(`when the gates are split in ${total} then the shards are disjoint and together run each gate once`, async () => {
      const indexes = Array.from({ length: total }, (_, i) => i + 1);
      const shards = await Promise.all(indexes.map((index) => shardNames(index, total)));
      const all = shards.flat();
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort()).toEqual(ALL);
    });
  }

  it("when the same shard runs twice then it runs the same gates (the split is stable)", async () => {
    expect(await shardNames(2, 3)).toEqual(await shardNames(2, 3));
  });

  it("when a shard holds no gate then it is green and says so, with one header", async () => {
    const one = await makeProject({
      "shipgate.yaml": configYaml({ local: { api: ci.server.url } }),
      "gates/one.yaml": manyGates(1),
    });
    try {
      const results = await Promise.all(
        [1, 2].map((i) => runCli(["check", "--shard", `${i}/2`], { cwd: one.dir })),
      );
      const empty = results.find((r) => r.stdout.includes("no gates in shard"));
      const full = results.find((r) => r.stdout.includes("✓ g01"));
      expect(empty?.code).toBe(0);
      expect(full?.code).toBe(0);
      expect(empty!.stdout.split("shipgate check · local").length).toBe(2);
    } finally {
      await one.remove();
    }
  });

  it("when the shard is out of range then it is bad input, exit 2", async () => {
    const result = await runCli(["check", "--shard", "4/3"], { cwd: ci.project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--shard");
  });
});
