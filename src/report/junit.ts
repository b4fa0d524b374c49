import { UserError } from "../errors.js";
import type { Reporter } from "./report.js";

// Placeholder until the JUnit reporter lands (issue 6).
export const junitReporter: Reporter = {
  render() {
    throw new UserError("not-built", "the junit reporter is not built yet");
  },
};
