// The real app in a real window (run under Xvfb): the enterprise list shows the demo
// enterprises. Saves a screenshot of the window.
//
// ANJIAN_APP=<path to the anjian binary> xvfb-run -a node tests/window/smoke.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, waitFor } from './webdriver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const shots = join(here, '..', '..', 'ui', 'e2e-screens');

async function run(app) {
  const w = await startApp(app);
  try {
    // The list is there when rows show and nothing is loading, twice in a row.
    let seenOnce = false;
    const rows = await waitFor('the enterprise list', async () => {
      const found = await w.all('[data-testid="enterprise-row"]');
      const loading = await w.all('[data-testid="status-loading"]');
      const ready = found.length > 0 && loading.length === 0;
      const stable = ready && seenOnce;
      seenOnce = ready;
      return stable ? found : null;
    }, 60_000);
    const name = await w.text(await w.one('[data-testid="enterprise-name"]'));
    const count = await w.text(await w.one('[data-testid="result-count"]'));
    mkdirSync(shots, { recursive: true });
    writeFileSync(join(shots, 'window.png'), await w.screenshot());
    if (!/[\u4e00-\u9fff]/.test(name)) throw new Error(`first row has no Chinese name: ${JSON.stringify(name)}`);
    if (!/\d{3}/.test(count)) throw new Error(`the count shows no demo total: ${JSON.stringify(count)}`);
    console.log(`window: ${rows.length} rows shown, first “${name}”, count “${count}”`);
  } finally {
    await w.close();
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
    console.error(`window smoke test failed: ${e.message}`);
  }
  console.log(`${1 - failed} passed, ${failed} failed`);
  process.exit(failed);
}
