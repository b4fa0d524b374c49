import { UserError } from "../../errors.js";

// Placeholder until the demo lands; it refuses rather than passing.
export async function demoCommand(_opts: unknown): Promise<void> {
  throw new UserError("not-built", "shipgate demo is not built yet");
}
