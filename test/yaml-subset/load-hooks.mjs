// Module hooks for the lazy-yaml test: appends every module URL Node loads to
// the file named by SHIPGATE_TEST_LOADED.
import { appendFileSync } from "node:fs";

export async function load(url, context, nextLoad) {
  if (process.env.SHIPGATE_TEST_LOADED)
    appendFileSync(process.env.SHIPGATE_TEST_LOADED, `${url}\n`);
  return nextLoad(url, context);
}
