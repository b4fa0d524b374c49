import { afterAll, describe } from "vitest";
import { type Counters, judgeProperties } from "../properties/judge-properties.js";
import { proofRuns } from "./runs.js";

describe("when random documents meet random assertions (proof)", () => {
  const counters: Counters = { green: 0, red: 0, mutations: 0 };
  judgeProperties(proofRuns(3_000), counters);
  afterAll(() => {
    console.log(
      `judge proof: ${counters.green} green and ${counters.red} red cases, ${counters.mutations} mutations judged`,
    );
  });
});
