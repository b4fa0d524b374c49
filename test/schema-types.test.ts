import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

describe("schemas and types", () => {
  it("when schema/*.json changes, then src/config/schema-types must be regenerated (npm run schema:types)", () => {
    let code = 0;
    let stderr = "";
    try {
      execFileSync(process.execPath, ["scripts/schema-types.mjs", "--check"], {
        cwd: ROOT,
        stdio: "pipe",
      });
    } catch (error: unknown) {
      code = (error as { status: number }).status;
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
