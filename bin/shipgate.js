#!/usr/bin/env node
// CommonJS (see bin/package.json): `--version` is answered without starting
// Node's ES module loader or loading the CLI; everything else imports the
// built entry.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { readFileSync } = require("node:fs");
  const pkg = JSON.parse(readFileSync(`${__dirname}/../package.json`, "utf8"));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // Node 22.1 and later keep V8's compiled code of the bundle on disk (in the
  // OS temporary folder) between runs: a fifth less start-up CPU on Node 24.
  require("node:module").enableCompileCache?.();
  import("../dist/cli/main.js")
    .then(({ main }) => main(process.argv))
    .catch((error) => {
      // Not even the CLI's own error handling loaded: a broken install or build.
      console.error(error);
      process.exitCode = 2;
    });
}
