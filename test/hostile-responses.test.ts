import { describe } from "vitest";
import { hostileProperties } from "./properties/hostile-properties.js";

// A few batches on every run; `npm run test:proof` runs many more.
describe("when a loopback server answers with random hostile responses", () => {
  hostileProperties(12);
});
