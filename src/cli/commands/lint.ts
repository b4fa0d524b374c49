import { UserError } from "../../errors.js";

// Placeholder until `shipgate lint` lands (issue 5); it refuses rather than passing.
export async function lintCommand(_opts: unknown): Promise<void> {
  throw new UserError("not-built", "shipgate lint is not built yet");
}
