// The real app in a real window (run under Xvfb): tauri-driver + WebKitWebDriver over
// plain W3C WebDriver HTTP. Checks that the enterprise list shows the demo
// enterprises and saves a screenshot of the window.
//
// ANJIAN_APP=<path to the anjian binary> xvfb-run -a node tests/window/smoke.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const here = dirname(fileURLToPath(import.meta.url));
const app = process.env.ANJIAN_APP;
if (!app) {
  console.error('ANJIAN_APP must name the built anjian binary');
  process.exit(2);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function wd(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.value;
}

async function waitFor(what, fn, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

const dataDir = mkdtempSync(join(tmpdir(), 'anjian-window-'));
const port = await freePort();
const nativePort = await freePort();
const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
  env: { ...process.env, ANJIAN_DATA_DIR: dataDir },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const driverFailed = new Promise((_, reject) =>
  driver.on('error', (e) => reject(new Error(`cannot start tauri-driver: ${e.message}`))),
);
driverFailed.catch(() => {});
const base = `http://127.0.0.1:${port}`;
let session;
let failed = 0;
try {
  await Promise.race([driverFailed, waitFor('tauri-driver', async () => (await fetch(`${base}/status`)).ok, 20_000)]);
  const created = await wd(base, 'POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: app } } },
  });
  session = created.sessionId;
  const s = `/session/${session}`;
  const find = (css) => wd(base, 'POST', `${s}/elements`, { using: 'css selector', value: css });
  // The list is there when rows show and nothing is loading, twice in a row.
  let seenOnce = false;
  const rows = await waitFor(
    'the enterprise list',
    async () => {
      const found = await find('[data-testid="enterprise-row"]');
      const loading = await find('[data-testid="status-loading"]');
      const ready = found.length > 0 && loading.length === 0;
      const stable = ready && seenOnce;
      seenOnce = ready;
      return stable ? found : null;
    },
    60_000,
  );
  const first = await wd(base, 'POST', `${s}/element`, { using: 'css selector', value: '[data-testid="enterprise-name"]' });
  const name = await wd(base, 'GET', `${s}/element/${Object.values(first)[0]}/text`);
  const count = await wd(base, 'POST', `${s}/element`, { using: 'css selector', value: '[data-testid="result-count"]' });
  const countText = await wd(base, 'GET', `${s}/element/${Object.values(count)[0]}/text`);
  const png = await wd(base, 'GET', `${s}/screenshot`);
  const shots = join(here, '..', '..', 'ui', 'e2e-screens');
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(shots, 'window.png'), Buffer.from(png, 'base64'));
  if (!name || !/[\u4e00-\u9fff]/.test(name)) throw new Error(`first row has no Chinese name: ${JSON.stringify(name)}`);
  if (!/\d{3}/.test(countText)) throw new Error(`the count shows no demo total: ${JSON.stringify(countText)}`);
  console.log(`window: ${rows.length} rows shown, first “${name}”, count “${countText}”`);
} catch (e) {
  failed = 1;
  console.error(`window smoke test failed: ${e.message}`);
} finally {
  if (session) await wd(base, 'DELETE', `/session/${session}`).catch(() => {});
  driver.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`${1 - failed} passed, ${failed} failed`);
process.exit(failed);
