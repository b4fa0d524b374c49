import { UserError } from "../../errors.js";

// Placeholder until release and rehearse land (issue 3); they refuse rather than pass.
export async function releaseCommand(_version: string, _opts: unknown): Promise<void> {
  throw new UserError("not-built", "shipgate release is not built yet");
}

export async function rehearseCommand(_version: string | undefined, _opts: unknown): Promise<void> {
  throw new UserError("not-built", "shipgate rehearse is not built yet");
}
