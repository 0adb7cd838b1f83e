// A whole inspection in the real app window (run under Xvfb): the inspector's
// profile, a colleague, an inspection started from a 烟花爆竹 enterprise's page, every
// item answered (two 不符合 with a note), the app killed (SIGKILL) and started again
// to resume the draft, proposed hazards, three signatures drawn with the pointer, finished; then
// the 隐患台账 shows the two hazards and a 复查 closes one. Then no file the app wrote (its
// data directory, WebKit's own) holds a note or the 复查's text: the store is encrypted,
// its key in the Secret Service (test-all runs a private GNOME keyring).
//
// ANJIAN_APP=<path to the anjian binary> xvfb-run -a node tests/window/inspection.mjs
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, waitFor } from './webdriver.mjs';
import { answerAll, attrIs, finishSigned, saveProfile, startInspection } from './steps.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, '..', '..', 'ui', 'e2e-screens');

async function firstSession(w) {
  await saveProfile(w);
  const name = await startInspection(w);
  const { codes, failing } = await answerAll(w);
  return { name, codes, failing };
}

async function secondSession(w, { name, codes, failing }) {
  // The draft is there, exactly as left.
  await w.go('#/inspections');
  const row = await w.withText('[data-testid="inspection-row"]', name);
  if ((await w.attr(row, 'data-status')) !== 'draft') throw new Error('the inspection is not a draft after the restart');
  await w.click(row);
  await w.one('[data-testid="inspection-item"]');
  for (const code of codes) {
    const want = failing.includes(code) ? 'nonCompliant' : 'compliant';
    await attrIs(w, `[data-testid="inspection-item"][data-code="${code}"]`, 'data-result', want);
  }
  for (const code of failing) {
    const note = await w.one(`[data-testid="inspection-item"][data-code="${code}"] [data-testid="item-note"]`);
    const value = await w.script('return arguments[0].value', [{ 'element-6066-11e4-a52e-4f735466cecf': note }]);
    if (value !== `现场发现问题：${code}`) throw new Error(`note of ${code} after restart: ${JSON.stringify(value)}`);
  }
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(shots, 'window-inspection.png'), await w.screenshot());

  // Finish: the two proposed hazards, three signatures drawn with the pointer.
  const hazards = await finishSigned(w, async () => writeFileSync(join(shots, 'window-finish.png'), await w.screenshot()));
  if (hazards.length !== 2) throw new Error(`${hazards.length} hazards after finishing, expected 2`);
  writeFileSync(join(shots, 'window-finished.png'), await w.screenshot());

  // The documents, in the real web view under the app's CSP: drafted from the inspection,
  // the order previewed by pdf.js (its worker and the embedded font), then issued.
  await w.click(await w.one('[data-testid="prepare-documents"]'));
  await w.one('[data-testid="prepare-done"]');
  await w.click(await w.one('[data-testid="document-row"][data-kind="rectificationOrder"] a'));
  await waitFor('preview drawn', async () => {
    const preview = await w.one('[data-testid="pdf-preview"]');
    const state = await w.attr(preview, 'data-state');
    if (state === 'error') throw new Error(`pdf.js preview failed: ${await w.text(preview)}`);
    const pages = await w.all('[data-testid="pdf-page"][data-rendered="true"]');
    return state === 'ready' && pages.length >= 1;
  }, 60_000);
  // A drawn page is not blank: sample its pixels.
  const inked = await w.script(`
    const c = document.querySelector('[data-testid="pdf-page"]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark += 1;
    return dark;`);
  if (!(inked > 1000)) throw new Error(`the preview page looks blank (${inked} dark pixels)`);
  await w.script('document.querySelector(\'[data-testid="pdf-preview"]\').scrollIntoView({ block: "start" })');
  writeFileSync(join(shots, 'window-document-preview.png'), await w.screenshot());
  await w.click(await w.one('[data-testid="issue-document"]'));
  await w.click(await w.withText('dialog[open] button', '确认签发'));
  const number = await w.withText('[data-testid="document-detail"]', '第0001号');
  if (!(await w.text(number)).includes('门应急责改〔')) throw new Error('no order number after issuing');
  await waitFor('issued preview', async () => (await w.all('[data-testid="pdf-page"][data-rendered="true"]')).length >= 1, 60_000);
  writeFileSync(join(shots, 'window-document-issued.png'), await w.screenshot());

  // The ledger lists them; a 复查 closes one.
  await w.go('#/hazards');
  await waitFor('two ledger rows', async () => {
    let n = 0;
    for (const r of await w.all('[data-testid="hazard-row"]')) if ((await w.text(r)).includes(name)) n += 1;
    return n === 2;
  });
  await w.click(await w.one('[data-testid="hazard-row"]'));
  await w.click(await w.withText('button', '复查此隐患'));
  await w.click(await w.one('[data-testid="review-form"] input[type=radio][value="rectified"]'));
  await w.type(await w.one('[data-testid="review-form"] textarea'), '已按要求整改，现场核实无误');
  await w.click(await w.withText('[data-testid="review-form"] button[type=submit]', '提交复查'));
  await w.withText('[data-testid="review-outcome"]', '已复查销号');
  writeFileSync(join(shots, 'window-review.png'), await w.screenshot());
  return hazards.length;
}

/** Every file under `dir` whose bytes hold one of `texts`. */
function filesHolding(dir, texts) {
  const needles = texts.map((t) => Buffer.from(t, 'utf8'));
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile() && needles.some((n) => readFileSync(path).includes(n))) found.push(path);
    }
  };
  walk(dir);
  return found;
}

async function run(app) {
  const dataDir = mkdtempSync(join(tmpdir(), 'anjian-window-data-'));
  // WebKit keeps its own files (storage, caches) under the XDG data directory: a fresh one,
  // searched too.
  const webkitDir = mkdtempSync(join(tmpdir(), 'anjian-window-xdg-'));
  process.env.XDG_DATA_HOME = webkitDir;
  try {
    let w = await startApp(app, dataDir);
    let state;
    try {
      state = await firstSession(w);
      // Killed mid-inspection, as a flat battery or a crash would: no chance to save.
      process.kill(w.appPid(app), 'SIGKILL');
    } finally {
      await w.close();
    }
    // Started again on the same data.
    w = await startApp(app, dataDir);
    try {
      const n = await secondSession(w, state);
      console.log(`window inspection: ${state.codes.length} items answered, app killed and restarted, draft resumed, finished with ${n} hazards`);
    } finally {
      await w.close();
    }
    if (!existsSync(join(dataDir, 'encrypted', 'anjian.db'))) throw new Error('no encrypted store in the data directory');
    const texts = [...state.failing.map((code) => `现场发现问题：${code}`), '已按要求整改，现场核实无误'];
    const readable = [...filesHolding(dataDir, texts), ...filesHolding(webkitDir, texts)];
    if (readable.length) throw new Error(`readable records in ${readable.join(', ')}`);
    console.log('window inspection: no file of the app holds a note or the 复查 text');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(webkitDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = process.env.ANJIAN_APP;
  if (!app) {
    console.error('ANJIAN_APP must name the built anjian binary');
    process.exit(2);
  }
  let failed = 0;
  try {
    await run(app);
  } catch (e) {
    failed = 1;
    console.error(`window inspection test failed: ${e.stack ?? e.message}`);
  }
  console.log(`${1 - failed} passed, ${failed} failed`);
  process.exit(failed);
}
