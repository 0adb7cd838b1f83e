// Benchmark, side by side in one run under Xvfb: the app (Tauri, WebKitGTK, its store
// in-process) against the same UI in Debian's Chromium over the same store served by
// the tests' ui-backend (release builds both).
//  - start: from asking for the window to the first enterprise list shown, on a new data
//    directory (first start: the store made, the demo set written) and again on it;
//  - memory: the proportional set size (PSS: shared pages split between their users) of
//    every process of each, after the same whole inspection through the UI.
// Rounds alternate app and Chromium, so a slow moment of the machine hits both.
//
// ANJIAN_APP=<release anjian> ANJIAN_UI_BACKEND=<release ui-backend> \
//   xvfb-run -a -s '-screen 0 1366x900x24' node tests/window/bench.mjs [rounds]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, startApp, startSession } from './webdriver.mjs';
import { answerAll, finishSigned, saveProfile, startInspection } from './steps.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'ui', 'dist');

const LIST_SHOWN = `return document.querySelectorAll('[data-testid="enterprise-row"]').length > 0
  && document.querySelectorAll('[data-testid="status-loading"]').length === 0`;

/** Milliseconds from the session's request to the enterprise list shown. */
async function untilList(w) {
  const end = performance.now() + 120_000;
  while (performance.now() < end) {
    if (await w.script(LIST_SHOWN).catch(() => false)) return performance.now() - w.requestedAt;
    await sleep(10);
  }
  throw new Error('no enterprise list within 120 s');
}

function parentOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** `roots` and every process below them. */
function tree(roots) {
  const all = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      for (let p = Number(entry); p > 1; p = parentOf(p)) {
        if (roots.includes(p)) {
          all.push(Number(entry));
          break;
        }
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return all;
}

/** PSS and RSS in MiB, summed over the processes, how many there were, and each
 * process's name and PSS. */
function memory(pids) {
  let pss = 0;
  let rss = 0;
  const each = [];
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const own = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += own;
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      each.push(`${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()} ${(own / 1024).toFixed(0)}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return { pss: pss / 1024, rss: rss / 1024, processes: pids.length, each };
}

async function wholeInspection(w) {
  await saveProfile(w);
  await startInspection(w);
  await answerAll(w);
  const hazards = await finishSigned(w);
  if (hazards.length !== 2) throw new Error(`${hazards.length} hazards after finishing, expected 2`);
}

/** The app: started on `dataDir` (WebKit's own files in `xdg`). */
async function app(binary, dataDir, xdg) {
  process.env.XDG_DATA_HOME = join(xdg, 'data');
  process.env.XDG_CACHE_HOME = join(xdg, 'cache');
  const w = await startApp(binary, dataDir);
  return { w, pids: () => tree([w.appPid(binary)]) };
}

/** Chromium on the same UI, its backend started at the same moment as the browser. */
async function chromium(backend, dataDir, profile) {
  const port = await freePort();
  let server;
  const w = await startSession({
    command: 'chromedriver',
    args: async (p) => {
      server = spawn(backend, ['--ui', dist, '--data', dataDir, '--listen', `127.0.0.1:${port}`], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      return [`--port=${p}`];
    },
    capabilities: {
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        // The e2e suite's flags; a window of the app's size.
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
          '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--window-size=1280,860'],
      },
    },
    cleanup: () => server?.kill('SIGINT'),
  });
  // The backend is up when it says where it listens.
  await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (b) => {
      out += b;
      if (out.includes('listening')) resolve();
    });
    server.on('exit', (code) => reject(new Error(`ui-backend exited ${code}`)));
    if (out.includes('listening')) resolve();
  });
  await w.raw('POST', `${w.s}/url`, { url: `http://127.0.0.1:${port}/#/enterprises` });
  return { w, pids: () => [...tree([w.driverPid]).filter((p) => p !== w.driverPid), server.pid] };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const binary = process.env.ANJIAN_APP;
  const backend = process.env.ANJIAN_UI_BACKEND;
  if (!binary || !backend) {
    console.error('ANJIAN_APP and ANJIAN_UI_BACKEND must name the release builds');
    process.exit(2);
  }
  const rounds = Number(process.argv[2] ?? 3);
  const results = { app: { first: [], again: [], pss: [], rss: [], processes: [] }, chromium: { first: [], again: [], pss: [], rss: [], processes: [] } };
  for (let round = 1; round <= rounds; round += 1) {
    for (const kind of ['app', 'chromium']) {
      const dataDir = mkdtempSync(join(tmpdir(), 'anjian-bench-data-'));
      const side = mkdtempSync(join(tmpdir(), 'anjian-bench-side-'));
      const open = () => (kind === 'app' ? app(binary, dataDir, side) : chromium(backend, dataDir, side));
      try {
        let { w } = await open();
        const first = await untilList(w);
        await w.close();
        await sleep(1000);
        let pids;
        ({ w, pids } = await open());
        const again = await untilList(w);
        await wholeInspection(w);
        await sleep(2000);
        const mem = memory(pids());
        await w.close();
        const r = results[kind];
        r.first.push(first);
        r.again.push(again);
        r.pss.push(mem.pss);
        r.rss.push(mem.rss);
        r.processes.push(mem.processes);
        console.log(`round ${round} ${kind}: first start ${first.toFixed(0)} ms, again ${again.toFixed(0)} ms, after an inspection PSS ${mem.pss.toFixed(0)} MiB (RSS ${mem.rss.toFixed(0)} MiB, ${mem.processes} processes: ${mem.each.join(', ')})`);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(side, { recursive: true, force: true });
      }
      await sleep(1000);
    }
  }
  console.log(`\nmedians of ${rounds} rounds     app (WebKitGTK)   Chromium + ui-backend`);
  const row = (label, key, unit) =>
    console.log(`${label.padEnd(28)} ${`${median(results.app[key]).toFixed(0)} ${unit}`.padStart(14)} ${`${median(results.chromium[key]).toFixed(0)} ${unit}`.padStart(22)}`);
  row('first start to the list', 'first', 'ms');
  row('start again to the list', 'again', 'ms');
  row('PSS after an inspection', 'pss', 'MiB');
  row('RSS after an inspection', 'rss', 'MiB');
  row('processes', 'processes', '');
}

await main();
