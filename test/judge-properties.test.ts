import { describe } from "vitest";
import { judgeProperties } from "./properties/judge-properties.js";

// A few cases on every run; `npm run test:proof` runs thousands.
describe("when random documents meet random assertions", () => {
  judgeProperties(150);
});
