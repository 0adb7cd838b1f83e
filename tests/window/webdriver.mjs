// A small W3C WebDriver client over fetch (Node 20, no packages) for the real app
// window (tauri-driver in front of WebKitWebDriver, under Xvfb) and, for the benchmark,
// Chromium (chromedriver).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function waitFor(what, fn, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** Starts a WebDriver server (`command` with `args(port)`) and a session with
 * `capabilities`; `cleanup` runs when the session closes or fails to start. */
export async function startSession({ command, args, env = process.env, capabilities, cleanup = () => {} }) {
  const port = await freePort();
  const driver = spawn(command, await args(port), { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const failed = new Promise((_, reject) => driver.on('error', (e) => reject(new Error(`cannot start ${command}: ${e.message}`))));
  failed.catch(() => {});
  const base = `http://127.0.0.1:${port}`;
  const raw = async (method, path, body) => {
    const res = await fetch(base + path, {
      signal: AbortSignal.timeout(60_000),
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json.value;
  };
  const stop = () => {
    driver.kill('SIGTERM');
    cleanup();
  };
  try {
    await Promise.race([failed, waitFor(command, async () => (await fetch(`${base}/status`)).ok, 20_000)]);
    const requestedAt = performance.now();
    const created = await raw('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    const session = new Session(raw, created.sessionId, stop, driver.pid);
    // When the browser or app was asked for (the benchmark's start).
    session.requestedAt = requestedAt;
    return session;
  } catch (e) {
    stop();
    throw e;
  }
}

/** Starts tauri-driver and the app on `dataDir` (a fresh one if not given, removed at
 * the end) and returns a session. */
export async function startApp(app, givenDir) {
  const dataDir = givenDir ?? mkdtempSync(join(tmpdir(), 'anjian-window-'));
  return startSession({
    command: 'tauri-driver',
    args: async (port) => ['--port', String(port), '--native-port', String(await freePort())],
    env: { ...process.env, ANJIAN_DATA_DIR: dataDir },
    capabilities: { 'tauri:options': { application: app } },
    cleanup: () => {
      if (!givenDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export class Session {
  constructor(raw, id, stop, driverPid) {
    this.raw = raw;
    this.s = `/session/${id}`;
    this.stopDriver = stop;
    this.driverPid = driverPid;
  }

  /** The pid of the app this session drives: the process of `app` under our driver. */
  appPid(app) {
    const target = realpathSync(app);
    const parentOf = (pid) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    };
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let exe;
      try {
        exe = readlinkSync(`/proc/${entry}/exe`);
      } catch {
        continue;
      }
      if (exe !== target) continue;
      for (let p = Number(entry); p > 1; p = parentOf(p)) {
        if (p === this.driverPid) return Number(entry);
      }
    }
    throw new Error(`no ${app} process under tauri-driver ${this.driverPid}`);
  }

  async close() {
    await this.raw('DELETE', this.s).catch(() => {});
    this.stopDriver();
  }

  all(css) {
    return this.raw('POST', `${this.s}/elements`, { using: 'css selector', value: css }).then((els) => els.map((e) => e[ELEMENT]));
  }

  /** The first element matching `css`, waiting for it to appear. */
  one(css, timeoutMs = 30_000) {
    return waitFor(css, async () => (await this.all(css))[0], timeoutMs);
  }

  /** The first element matching `css` whose text contains `text`. */
  withText(css, text, timeoutMs = 30_000) {
    return waitFor(`${css} “${text}”`, async () => {
      for (const el of await this.all(css)) {
        if ((await this.text(el)).includes(text)) return el;
      }
      return null;
    }, timeoutMs);
  }

  text(el) {
    return this.raw('GET', `${this.s}/element/${el}/text`);
  }

  attr(el, name) {
    return this.raw('GET', `${this.s}/element/${el}/attribute/${name}`);
  }

  async click(el) {
    await this.script('arguments[0].scrollIntoView({block: "center"})', [{ [ELEMENT]: el }]);
    return this.raw('POST', `${this.s}/element/${el}/click`, {});
  }

  async type(el, text) {
    await this.raw('POST', `${this.s}/element/${el}/clear`, {}).catch(() => {});
    return this.raw('POST', `${this.s}/element/${el}/value`, { text });
  }

  script(body, args = []) {
    return this.raw('POST', `${this.s}/execute/sync`, { script: body, args });
  }

  /** A backend command through the app's own interface (the one the UI uses). */
  async call(name, args = {}) {
    const out = await this.raw('POST', `${this.s}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__.invoke('call', { name: arguments[0], args: arguments[1] })
          .then((ok) => done({ ok }), (e) => done({ err: typeof e === 'string' ? e : JSON.stringify(e) }));`,
      args: [name, args],
    });
    if (out && 'err' in out) throw new Error(`${name}: ${out.err}`);
    return out.ok;
  }

  go(hash) {
    return this.script(`location.hash = ${JSON.stringify(hash)}`);
  }

  /** Draws a zig-zag across an element with a pen-like pointer. */
  async draw(el) {
    await this.script('arguments[0].scrollIntoView({block: "center"})', [{ [ELEMENT]: el }]);
    const origin = { [ELEMENT]: el };
    const moves = [[-80, 10], [-50, -20], [-20, 20], [10, -15], [40, 15], [80, -5]];
    const actions = [{ type: 'pointerMove', duration: 0, origin, x: moves[0][0], y: moves[0][1] }, { type: 'pointerDown', button: 0 }];
    for (const [x, y] of moves.slice(1)) actions.push({ type: 'pointerMove', duration: 60, origin, x, y });
    actions.push({ type: 'pointerUp', button: 0 });
    await this.raw('POST', `${this.s}/actions`, { actions: [{ type: 'pointer', id: 'pen', parameters: { pointerType: 'mouse' }, actions }] });
    return this.raw('DELETE', `${this.s}/actions`);
  }

  screenshot() {
    return this.raw('GET', `${this.s}/screenshot`).then((b64) => Buffer.from(b64, 'base64'));
  }
}
