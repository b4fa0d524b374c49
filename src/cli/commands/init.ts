import { constants } from "node:fs";
import { access, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../../errors.js";

/** The starter config; the `$schema` comment gives editors completion from the installed package. */
export const STARTER_CONFIG = `# yaml-language-server: $schema=node_modules/shipgate/schema/config.json
#
# shipgate.yaml: where the gates run and how a release is made.
# \`shipgate check --env staging\` runs every gate against staging;
# \`shipgate rehearse --env production\` runs them read-only against
# production and records the rehearsal a release needs;
# \`shipgate release 1.2.3 --env production\` tags, publishes and pushes
# only when every gate is green.

environments:
  production:
    protected: true              # releases go here; a rehearsal must come first
    hosts:
      api: https://api.example.com     # gates name a host by its key (host: api)
  staging:
    hosts:
      api: https://api.staging.example.com

gates: gates/**/*.yaml           # a glob or a list of globs

defaults:
  timeout: 10s                   # per request, connect to last byte
  maxBodySize: 10MB              # a larger response is red

release:
  tag: "v{{version}}"            # shipgate creates this tag itself
  remote: origin
  branch: main                   # releases only from this branch
  publish: none                  # npm to run npm publish between tag and push
  requireRehearsal: true         # protected environments need a green rehearsal
`;

/** The starter gate: a health endpoint that must answer JSON saying ok. */
export const STARTER_GATE = `# yaml-language-server: $schema=../node_modules/shipgate/schema/gate.json
#
# One gate: a request against a host of the environment, and what the
# response must show. Several gates may share a file, separated by ---.

name: health
host: api                        # a key of the environment's hosts
request:
  method: GET
  path: /healthz
  timeout: 5s
expect:
  status: 200                    # a number, a list, or "2xx"
  contentType: application/json  # an HTML error page is red, not a pass
  body:
    - path: $.status             # RFC 9535 JSONPath
      equals: ok
`;

/** The files \`shipgate init\` writes, relative to the working directory. */
export const STARTER_FILES: ReadonlyArray<readonly [string, string]> = [
  ["shipgate.yaml", STARTER_CONFIG],
  [path.join("gates", "health.yaml"), STARTER_GATE],
];

/** `shipgate init`: writes the starter files, or nothing when any of them exists. */
export async function initCommand(cwd = process.cwd()): Promise<void> {
  // Look at every file first, so a refusal leaves the folder as it was.
  for (const [file] of STARTER_FILES) {
    if (await exists(path.join(cwd, file))) throw refusal(file);
  }

  for (const [file, text] of STARTER_FILES) {
    const target = path.join(cwd, file);
    await mkdir(path.dirname(target), { recursive: true });
    // `wx`: never replace a file that appeared since the check above.
    await writeFile(target, text, { flag: "wx" }).catch((error: unknown) => {
      throw (error as NodeJS.ErrnoException).code === "EEXIST" ? refusal(file) : error;
    });
    process.stdout.write(`wrote ${file}\n`);
  }
  process.stdout.write(
    "next: set the hosts in shipgate.yaml, then run shipgate check --env staging\n",
  );
}

function refusal(file: string): UserError {
  return new UserError(
    "init.exists",
    `${file} already exists; shipgate init does not overwrite it`,
    {
      hint: `move ${file} aside to start again, or edit it`,
    },
  );
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
