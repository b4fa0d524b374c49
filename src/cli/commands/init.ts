import { UserError } from "../../errors.js";

// Placeholder until `shipgate init` lands (issue 6); it refuses rather than passing.
export async function initCommand(): Promise<void> {
  throw new UserError("not-built", "shipgate init is not built yet");
}
