import { UserError } from "../errors.js";
import type { Output } from "../cli/output.js";
import type { Reporter } from "./report.js";

// Placeholder until the GitHub reporter lands (issue 6).
export function githubReporter(_output: Output): Reporter {
  return {
    render() {
      throw new UserError("not-built", "the github reporter is not built yet");
    },
  };
}
