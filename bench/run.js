// shipgate's benchmarks: each shipgate command against the floor it must stay
// near, measured in the same run, alternating run by run, medians and ratios.
// Writes bench/RESULTS.md. Run with `npm run bench` (builds first).
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "bin/shipgate.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const quick = process.argv.includes("--quick");
// `--only=2,3` runs just those benchmarks (RESULTS.md then lists only them).
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",")
  .map(Number);
const want = (n) => !only || only.includes(n);

const selfTest = JSON.stringify({
  status: "ok",
  checks: Array.from({ length: 27 }, (_, i) => ({ name: `check-${i}`, ok: true, ms: i })),
});

/** A 50 MB self-test document: an object whose `checks` holds small objects. */
function bigDocument(bytes) {
  const item = (i) => `{"name":"check-${i}","ok":true,"ms":${i % 97}}`;
  const parts = ['{"status":"ok","checks":['];
  let size = parts[0].length;
  for (let i = 0; size < bytes - 64; i++) {
    const text = (i ? "," : "") + item(i);
    parts.push(text);
    size += text.length;
  }
  parts.push("]}");
  return Buffer.from(parts.join(""));
}

async function startServer(big) {
  const server = http.createServer((req, res) => {
    if (req.url.startsWith("/big")) {
      res.writeHead(200, { "content-type": "application/json", "content-length": big.length });
      return res.end(big);
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(selfTest);
  });
  server.keepAliveTimeout = 5000;
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

const TIME_BIN = "/usr/bin/time";
const HAS_TIME = spawnSync(TIME_BIN, ["-f", "%M", "true"]).status === 0;

/**
 * Runs a command, returning wall milliseconds, and from GNU time when present
 * peak RSS in KB and CPU milliseconds (user + system, children included): CPU
 * time is what a loaded machine disturbs least.
 */
function run(cmd, args, opts = {}) {
  const file = HAS_TIME ? TIME_BIN : cmd;
  const argv = HAS_TIME ? ["-f", "__RSS__%M __CPU__%U %S", cmd, ...args] : args;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: "1", CI: "true", ...opts.env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      const rss = Number(/__RSS__(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
      const cpu = /__CPU__([\d.]+) ([\d.]+)/.exec(stderr);
      const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN;
      if (code !== (opts.expect ?? 0))
        reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${stderr.slice(0, 2000)}`));
      else resolve({ ms, rss, cpuMs });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Alternates the two commands run by run; returns medians and the ratio. A
 * `context` pair is no target of its own: it shows what a floor costs.
 */
async function pair(name, a, b, runs, target, { context = false } = {}) {
  const ra = [];
  const rb = [];
  await a.fn(); // warm the file cache for both
  await b.fn();
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      ra.push(await a.fn());
      rb.push(await b.fn());
    } else {
      rb.push(await b.fn());
      ra.push(await a.fn());
    }
  }
  const ma = median(ra.map((r) => r.ms));
  const mb = median(rb.map((r) => r.ms));
  const ratio = ma / mb;
  const cpuRatio = median(ra.map((r) => r.cpuMs)) / median(rb.map((r) => r.cpuMs));
  const row = {
    name,
    a: a.label,
    b: b.label,
    ma,
    mb,
    ratio,
    cpuRatio,
    target,
    met: ratio <= target,
    context,
    runs,
  };
  const verdict = context ? "(context, not a target)" : row.met ? "met" : "MISSED";
  console.log(
    `${name}: ${a.label} ${ma.toFixed(1)} ms vs ${b.label} ${mb.toFixed(1)} ms → ratio ${ratio.toFixed(2)} (target ≤ ${target}) ${verdict}; CPU-time ratio ${cpuRatio.toFixed(2)}`,
  );
  return row;
}

function gateDoc(i) {
  return `name: gate ${i}
host: api
request:
  path: /healthz/self-test?n=${i}
expect:
  status: 200
  body:
    - path: $.checks[21:27]
      count: 6
      every: { ok: true }
`;
}

async function project(dir, url, count, pathSuffix = "") {
  await mkdir(path.join(dir, "gates"), { recursive: true });
  await writeFile(
    path.join(dir, "shipgate.yaml"),
    `environments:\n  bench:\n    hosts:\n      api: ${url}\ndefaults:\n  timeout: 30s\n  maxBodySize: 100MB\n`,
  );
  const docs = Array.from({ length: count }, (_, i) =>
    gateDoc(i).replace("/healthz/self-test", `/healthz/self-test${pathSuffix}`),
  );
  await writeFile(path.join(dir, "gates", "bench.yaml"), docs.join("---\n"));
}

/**
 * A floor script: `setup` defines `get(i)`, which fetches the self-test with
 * `?n=i` and resolves to [status, body text]; `concurrency` workers share
 * `count` requests, each body parsed and checks 21..26 tested, as a gate does.
 */
const floorProgram = (setup, count, concurrency) => `
${setup}
let next = 0, bad = 0;
async function worker() {
  while (next < ${count}) {
    const [status, text] = await get(next++);
    const s = JSON.parse(text).checks.slice(21, 27);
    if (status !== 200 || s.length !== 6 || !s.every((c) => c.ok === true)) bad++;
  }
}
await Promise.all(Array.from({ length: ${concurrency} }, worker));
process.exit(bad ? 1 : 0);
`;

/** The smallest Node script: global fetch. */
const floorScript = (url, count, concurrency) =>
  floorProgram(
    `const get = async (i) => {
  const r = await fetch(${JSON.stringify(url)} + "?n=" + i);
  return [r.status, await r.text()];
};`,
    count,
    concurrency,
  );

/** The cheapest Node client: node:http with keep-alive sockets, no fetch layers. */
const httpFloorScript = (url, count, concurrency) =>
  floorProgram(
    `import http from "node:http";
const url = new URL(${JSON.stringify(url)});
const agent = new http.Agent({ keepAlive: true, maxSockets: ${concurrency} });
const get = (i) =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: url.hostname, port: url.port, path: url.pathname + "?n=" + i, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve([res.statusCode, Buffer.concat(chunks).toString("utf8")]));
    });
    req.on("error", reject);
  });`,
    count,
    concurrency,
  );

/** undici's own request API, shipgate's HTTP client, with nothing of shipgate around it. */
const undiciFloorScript = (url, count, concurrency) =>
  floorProgram(
    `import { Agent, request } from ${JSON.stringify(pathToFileURL(path.join(ROOT, "node_modules/undici/index.js")).href)};
const dispatcher = new Agent({ connections: ${concurrency} });
const get = async (i) => {
  const r = await request(${JSON.stringify(url)} + "?n=" + i, { dispatcher });
  return [r.statusCode, await r.body.text()];
};`,
    count,
    concurrency,
  );

const bigFloorScript = (url) => `
const res = await fetch(${JSON.stringify(url)});
let bytes = Buffer.from(await res.arrayBuffer());
let text = bytes.toString("utf8");
bytes = undefined;
const doc = JSON.parse(text);
text = undefined;
const s = doc.checks.slice(21, 27);
process.exit(res.status === 200 && s.length === 6 && s.every((c) => c.ok === true) ? 0 : 1);
`;

function which(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

const loadAtStart = os.loadavg()[0];

async function main() {
  const bigBytes = 50 * 1024 * 1024;
  const big = bigDocument(bigBytes);
  const { server, url } = await startServer(big);
  const tmp = await mkdtemp(path.join(os.tmpdir(), "shipgate-bench-"));
  const rows = [];
  const notes = [];
  try {
    const one = path.join(tmp, "one");
    await project(one, url, 1);
    const many = path.join(tmp, "many");
    await project(many, url, 200);
    const floorOne = path.join(tmp, "floor-one.mjs");
    await writeFile(floorOne, floorScript(`${url}/healthz/self-test`, 1, 1));
    const floorMany = path.join(tmp, "floor-many.mjs");
    await writeFile(floorMany, floorScript(`${url}/healthz/self-test`, 200, 8));

    if (want(1))
      rows.push(
        await pair(
          "1. --version",
          { label: "shipgate --version", fn: () => run(process.execPath, [BIN, "--version"]) },
          { label: "node -e 0", fn: () => run(process.execPath, ["-e", "0"]) },
          RUNS,
          1.2,
        ),
      );
    if (want(2))
      rows.push(
        await pair(
          "2. one-gate check",
          {
            label: "shipgate check (1 gate)",
            fn: () => run(process.execPath, [BIN, "check"], { cwd: one }),
          },
          { label: "node fetch floor", fn: () => run(process.execPath, [floorOne]) },
          RUNS,
          1.3,
        ),
      );
    if (want(3))
      rows.push(
        await pair(
          "3. 200 gates",
          {
            label: "shipgate check (200 gates, concurrency 8)",
            fn: () =>
              run(process.execPath, [BIN, "check", "--concurrency", "8", "--quiet"], { cwd: many }),
          },
          {
            label: "node fetch floor (200, 8 at once)",
            fn: () => run(process.execPath, [floorMany]),
          },
          quick ? 3 : Math.max(3, RUNS >> 1),
          1.5,
        ),
      );

    const curlAndJq = which("curl") && which("jq");
    if (want(4) && curlAndJq) {
      const huge = path.join(tmp, "huge");
      await project(huge, url, 5000);
      const urls = path.join(tmp, "urls.txt");
      await writeFile(
        urls,
        Array.from({ length: 5000 }, (_, i) => `url = "${url}/healthz/self-test?n=${i}"`).join(
          "\n",
        ),
      );
      const curlJq = path.join(tmp, "curl-jq.sh");
      await writeFile(
        curlJq,
        `set -e\ncurl -sS -Z --parallel-max 50 -K ${urls} | jq -s -e 'map(.checks[21:27] | length == 6 and all(.ok == true)) | all' >/dev/null\n`,
      );
      const curlFloor = { label: "curl -Z + jq (50 at once)", fn: () => run("sh", [curlJq]) };
      rows.push(
        await pair(
          "4. 5,000 gates",
          {
            label: "shipgate check (5,000 gates, concurrency 50)",
            fn: () =>
              run(process.execPath, [BIN, "check", "--concurrency", "50", "--quiet"], {
                cwd: huge,
              }),
          },
          curlFloor,
          3,
          2.0,
        ),
      );
      // How far Node itself is from curl: what any Node program pays before its own work.
      const nodeFloors = [
        ["4b. Node fetch against curl", "node fetch floor (5,000, 50 at once)", floorScript],
        ["4c. undici against curl", "undici request floor (5,000, 50 at once)", undiciFloorScript],
        [
          "4d. node:http against curl",
          "node:http keep-alive floor (5,000, 50 at once)",
          httpFloorScript,
        ],
      ];
      for (const [name, label, script] of nodeFloors) {
        const file = path.join(tmp, `${name.slice(0, 2)}.mjs`);
        await writeFile(file, script(`${url}/healthz/self-test`, 5000, 50));
        const floor = { label, fn: () => run(process.execPath, [file]) };
        rows.push(await pair(name, floor, curlFloor, 3, 2.0, { context: true }));
      }
    } else if (want(4)) {
      notes.push("4. skipped: curl and jq are not both installed (apt-get install curl jq).");
      console.log(notes.at(-1));
    }

    if (want(5)) rows.push(await bigBody(tmp, url, bigBytes));
  } finally {
    server.close();
    server.closeAllConnections?.();
    await rm(tmp, { recursive: true, force: true });
  }
  await writeResults(rows, notes);
}

/** 5: one gate on a 50 MB body, peak RSS against the body size and a bare Node floor. */
async function bigBody(tmp, url, bigBytes) {
  const bigProject = path.join(tmp, "big");
  await project(bigProject, url, 1);
  await writeFile(
    path.join(bigProject, "gates", "bench.yaml"),
    gateDoc(0).replace("/healthz/self-test?n=0", "/big"),
  );
  // The floor: the least any Node program can hold to judge this body, its
  // bytes, then its text, then the parsed document, one after the other.
  const floorBig = path.join(tmp, "floor-big.mjs");
  await writeFile(floorBig, bigFloorScript(`${url}/big`));
  const bigRuns = [];
  const floorRuns = [];
  for (let i = 0; i < 3; i++) {
    bigRuns.push(await run(process.execPath, [BIN, "check"], { cwd: bigProject }));
    floorRuns.push(await run(process.execPath, [floorBig]));
  }
  const peakKb = Math.max(...bigRuns.map((r) => r.rss));
  const floorKb = Math.max(...floorRuns.map((r) => r.rss));
  const rssRatio = (peakKb * 1024) / bigBytes;
  const bigRow = {
    name: "5. 50 MB body",
    wallMs: median(bigRuns.map((r) => r.ms)),
    floorMs: median(floorRuns.map((r) => r.ms)),
    peakMb: peakKb / 1024,
    floorMb: floorKb / 1024,
    ratio: rssRatio,
    floorRatio: (floorKb * 1024) / bigBytes,
    target: 4,
    met: rssRatio <= 4,
  };
  console.log(
    `5. 50 MB body: ${bigRow.wallMs.toFixed(0)} ms, peak RSS ${bigRow.peakMb.toFixed(0)} MB = ${rssRatio.toFixed(2)} × the body (target ≤ 4) ${bigRow.met ? "met" : "MISSED"}; bare Node floor ${bigRow.floorMs.toFixed(0)} ms, ${bigRow.floorMb.toFixed(0)} MB = ${bigRow.floorRatio.toFixed(2)} × the body`,
  );
  return bigRow;
}

async function writeResults(rows, notes) {
  const cpu = os.cpus();
  const lines = [
    "# Benchmark results",
    "",
    `Measured ${new Date().toISOString()} by \`npm run bench\` on ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, Node ${process.version}, ${os.platform()} ${os.release()}.`,
    "Medians of alternating runs in one session; ratios compare shipgate with its floor measured in the same run (wall time; the CPU-time ratio, user + system, is less disturbed by other load).",
    `Load average (1 min) at the start ${loadAtStart.toFixed(2)}, at the end ${os.loadavg()[0].toFixed(2)}: on a busy machine every wall time is inflated, ratios less so.`,
    "",
    "| benchmark | shipgate | floor | ratio | target | |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    if (r.peakMb !== undefined)
      lines.push(
        `| ${r.name} | ${r.wallMs.toFixed(0)} ms, peak RSS ${r.peakMb.toFixed(0)} MB | bare Node fetch + JSON.parse: ${r.floorMs.toFixed(0)} ms, peak RSS ${r.floorMb.toFixed(0)} MB (${r.floorRatio.toFixed(2)} × body) | ${r.ratio.toFixed(2)} × body | ≤ ${r.target} | ${r.met ? "met" : "missed"} |`,
      );
    else
      lines.push(
        `| ${r.name} | ${r.a}: ${r.ma.toFixed(1)} ms | ${r.b}: ${r.mb.toFixed(1)} ms | ${r.ratio.toFixed(2)} (CPU time ${r.cpuRatio.toFixed(2)}) | ${r.context ? "context" : `≤ ${r.target}`} | ${r.context ? "" : r.met ? "met" : "missed"} |`,
      );
  }
  if (notes.length) lines.push("", ...notes.map((n) => `- ${n}`));
  await writeFile(path.join(ROOT, "bench", "RESULTS.md"), `${lines.join("\n")}\n`);
  console.log("wrote bench/RESULTS.md");
}

await main();
