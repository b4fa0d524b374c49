import { afterAll, describe } from "vitest";
import { type HostileStats, hostileProperties } from "../properties/hostile-properties.js";
import { proofRuns } from "./runs.js";

describe("when a loopback server answers with random hostile responses (proof)", () => {
  const stats: HostileStats = { cases: 0, green: 0, slowest: 0 };
  hostileProperties(proofRuns(100), stats);
  afterAll(() => {
    console.log(
      `hostile proof: ${stats.cases} responses, ${stats.green} green, slowest ${Math.round(stats.slowest)} ms`,
    );
  });
});
