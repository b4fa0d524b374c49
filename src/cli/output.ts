import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Redactor } from "../template/redact.js";

/**
 * Everything shipgate writes goes through here, so one redactor sees it all.
 */
export class Output {
  readonly redactor: Redactor;
  constructor(redactor = new Redactor()) {
    this.redactor = redactor;
  }

  out(text: string): void {
    process.stdout.write(this.redactor.redact(text));
  }

  err(text: string): void {
    process.stderr.write(this.redactor.redact(text));
  }

  async file(target: string, text: string): Promise<void> {
    await mkdir(path.dirname(path.resolve(target)), { recursive: true });
    await writeFile(target, this.redactor.redact(text));
  }
}
