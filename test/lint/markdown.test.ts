import { describe, expect, it } from "vitest";
import { codeLines, findUrls, shellWords, shipgateInvocations } from "../../src/lint/markdown.js";

describe("reading a runbook", () => {
  it("when a URL ends a sentence or sits in a link then the punctuation is not part of it", () => {
    const text =
      "See https://api.example.dev/healthz.\nOr [docs](https://example.dev/docs), then `https://x.dev/a?b=1`.";
    expect(findUrls(text)).toEqual([
      { url: "https://api.example.dev/healthz", line: 1, column: 5 },
      { url: "https://example.dev/docs", line: 2, column: 11 },
      { url: "https://x.dev/a?b=1", line: 2, column: 44 },
    ]);
  });

  it("when code is fenced with backticks or tildes then only its lines are code, continuations joined", () => {
    const text = [
      "shipgate outside",
      "~~~sh",
      "shipgate check \\",
      "  --env staging",
      "~~~",
      "````",
      "```",
      "inner",
      "````",
    ].join("\n");
    expect(codeLines(text)).toEqual([
      { text: "shipgate check --env staging", line: 3, column: 1, lang: "sh" },
      { text: "```", line: 7, column: 1, lang: "" },
      { text: "inner", line: 8, column: 1, lang: "" },
    ]);
  });

  it("when a line has quotes, operators and comments then words split as a shell would", () => {
    expect(shellWords(`a "b c" 'd e'&&f|g # comment`)).toEqual([
      "a",
      "b c",
      "d e",
      "&&",
      "f",
      "|",
      "g",
    ]);
  });

  it("when shipgate is run after a prompt, npx, a variable or an operator then each call is found", () => {
    expect(shipgateInvocations("$ shipgate lint")).toEqual([["lint"]]);
    expect(shipgateInvocations("npx -y shipgate@0.1 check --env a")).toEqual([
      ["check", "--env", "a"],
    ]);
    expect(shipgateInvocations("CI=1 shipgate check && shipgate lint; echo shipgate")).toEqual([
      ["check"],
      ["lint"],
    ]);
    expect(shipgateInvocations("- run: node bin/shipgate.js demo")).toEqual([["demo"]]);
    expect(shipgateInvocations("cat shipgate.yaml")).toEqual([]);
  });
});
