import { randomBytes } from "node:crypto";
import path from "node:path";
import { type ApiState, startApi, startFrontend } from "../../demo/api-server.js";
import { makeWorld, playScene, storyScenes, tagEvidence } from "../../demo/scenes.js";
import { ExitCode } from "../../errors.js";

/** `shipgate demo`: the story on loopback, through the public commands; exit 0 only when every scene gave its verdict. */
export async function demoCommand(opts: { color?: boolean }): Promise<void> {
  const { Chalk } = await import("chalk");
  const c = new Chalk({
    level: opts.color !== false && !process.env.NO_COLOR && process.stdout.isTTY ? 1 : 0,
  });
  const state: ApiState = {
    selfTestHangs: false,
    publishFails: false,
    deletions: 0,
    queues: new Map(),
  };
  const token = randomBytes(12).toString("hex");
  const api = await startApi(state, token);
  const frontend = await startFrontend();
  const world = await makeWorld(api, frontend, state, token);
  const say = (text: string) => process.stdout.write(`${text}\n`);
  say(c.bold("shipgate demo: the docs-drift prongs story, on loopback"));
  say(
    c.dim(
      `  API ${api.url}   frontend ${frontend.url}   repository ${world.repo} (remote ${world.remote})`,
    ),
  );
  let failed = 0;
  try {
    const scenes = storyScenes();
    for (const [i, scene] of scenes.entries()) {
      say("");
      say(c.bold(`Scene ${i + 1}/${scenes.length}: ${scene.title}`));
      say(c.dim(`  ${scene.story}`));
      say(c.cyan(`  $ shipgate ${scene.args.join(" ")}`));
      const outcome = await playScene(
        scene,
        world,
        path.join(world.repo, "..", `scene-${i + 1}.json`),
      );
      for (const line of outcome.output.trimEnd().split("\n")) say(`  │ ${line}`);
      if (outcome.ok)
        say(
          c.green(
            `  ✓ expected verdict: exit ${outcome.exitCode}${outcome.kinds.length ? ` (${outcome.kinds.join(", ")})` : ""}`,
          ),
        );
      else {
        failed++;
        say(c.red(`  ✗ unexpected verdict: ${outcome.why}`));
      }
    }
    const evidence = await tagEvidence(world);
    if (evidence) {
      say("");
      say(c.bold("The annotated tag on the remote carries the evidence:"));
      for (const line of evidence.trimEnd().split("\n")) say(`  │ ${line}`);
    }
  } finally {
    await Promise.all([api.close(), frontend.close()]);
    await world.dispose();
  }
  say("");
  say(
    failed === 0
      ? c.green("demo: every scene gave its expected verdict")
      : c.red(`demo: ${failed} scene(s) gave an unexpected verdict`),
  );
  process.exitCode = failed === 0 ? ExitCode.ok : ExitCode.red;
}
