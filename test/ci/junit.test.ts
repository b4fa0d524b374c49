import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli.js";
import { configYaml } from "../helpers/project.js";
import { has, MULTI_GATE, useCiProject } from "./fixture.js";

const XSD = path.join(ROOT, "test/fixtures/junit.xsd");

/** xmllint's verdict on a file against the JUnit schema: "" when valid, its complaint when not. */
function schemaErrors(file: string): string {
  try {
    execFileSync("xmllint", ["--noout", "--schema", XSD, file], { stdio: "pipe" });
    return "";
  } catch (error: unknown) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  }
}

describe("the junit reporter", () => {
  beforeAll(() => {
    if (!has("xmllint")) throw new Error("xmllint is missing: apt-get install -y libxml2-utils");
  });
  const ci = useCiProject((url) => ({
    "shipgate.yaml": configYaml({ local: { api: url }, other: { api: url } }),
    "gates/multi.yaml": MULTI_GATE,
    "gates/elsewhere.yaml": `name: only other\nhost: api\nenvironments: [other]\nrequest:\n  path: /ok\nexpect:\n  status: 200\n`,
  }));

  it("when gates are red, green and skipped then the file is valid JUnit with one testcase per gate", async () => {
    const result = await runCli(["check", "--env", "local", "--reporter", "junit=out/gates.xml"], {
      cwd: ci.project.dir,
    });
    expect(result.code).toBe(1);
    const file = path.join(ci.project.dir, "out/gates.xml");
    expect(schemaErrors(file)).toBe("");

    const xml = await readFile(file, "utf8");
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toMatch(/<testsuite [^>]*tests="4" failures="2" errors="0" skipped="1"/);
    expect(xml).toMatch(
      /<testcase name="green one" classname="gates\/multi.yaml" time="[\d.]+" file="gates\/multi.yaml" line="1"\/>/,
    );
    // The failure type is the failure kind; the text carries the diagnosis.
    expect(xml).toMatch(/<testcase name="prongs"[^>]* line="17">\s*<failure type="assertion"/);
    expect(xml).toContain("at gates/multi.yaml:17:7");
    // A 500 carries the start of its body and its request id.
    expect(xml).toMatch(/<failure type="status"[^>]*>[^<]*body: [^<]*Internal Server Error/);
    expect(xml).toMatch(/request id: [^<]*req-42/);
    // The name with markup in it is escaped, not broken XML.
    expect(xml).toContain('name="html &lt;page&gt; &amp; &quot;quotes&quot;"');
    expect(xml).toMatch(
      /<testcase name="only other" classname="gates\/elsewhere.yaml"[^>]*>\s*<skipped /,
    );
  });

  it("when the output is not valid JUnit then xmllint says so (the check can fail)", async () => {
    const bad = await ci.project.write(
      "out/bad.xml",
      '<?xml version="1.0"?>\n<testsuites><testsuite name="x" tests="one"><testcase/></testsuite></testsuites>\n',
    );
    expect(schemaErrors(bad)).toMatch(/fails to validate|not a valid value|missing/);
  });

  it("when every gate is green then the file has no failure and is valid", async () => {
    const green = await ci.project.write("gates2/green.yaml", MULTI_GATE.split("---\n")[0]!);
    const ok = await runCli(
      ["check", green, "--env", "local", "--reporter", "junit=out/green.xml"],
      { cwd: ci.project.dir },
    );
    expect(ok.code).toBe(0);
    const file = path.join(ci.project.dir, "out/green.xml");
    expect(schemaErrors(file)).toBe("");
    const xml = await readFile(file, "utf8");
    expect(xml).not.toContain("<failure");
    expect(xml).toMatch(/tests="1" failures="0"/);
  });
});
