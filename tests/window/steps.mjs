// The steps of a whole inspection through the UI, over WebDriver: the same in the app's
// window (tests/window/inspection.mjs) and, for the benchmark, in Chromium
// (tests/window/bench.mjs).
import { waitFor } from './webdriver.mjs';

export async function attrIs(w, css, name, value) {
  return waitFor(`${css} ${name}=${value}`, async () => (await w.attr(await w.one(css), name)) === value);
}

/** The inspector's own profile in 设置. */
export async function saveProfile(w) {
  await w.go('#/settings');
  await w.type(await w.one('#profile-name'), '王磊');
  await w.type(await w.one('#profile-certNo'), '11010923001');
  await w.click(await w.withText('button[type=submit]', '保存'));
  await w.one('[data-testid="profile-saved"]');
}

/** Starts an inspection from a 烟花爆竹 enterprise's page, adding the colleague on the
 * way: the enterprise's name. */
export async function startInspection(w) {
  await w.go('#/enterprises?sector=fireworks');
  const name = (await w.text(await w.one('[data-testid="enterprise-name"]'))).trim();
  await w.click(await w.one('[data-testid="enterprise-name"]'));
  await w.click(await w.one('[data-testid="start-inspection"]'));
  await w.one('[data-testid="colleague-form"]');
  await w.type(await w.one('#colleague-name'), '李娜');
  await w.type(await w.one('#colleague-certNo'), '11010923002');
  await w.click(await w.one('[data-testid="colleague-save"]'));
  await w.withText('[data-testid="colleague-option"]', '李娜');
  await w.type(await w.one('[data-testid="accompanying"]'), '张伟（安全主管）');
  await w.click(await w.one('[data-testid="start-inspection-submit"]'));
  return name;
}

/** Every item 符合, but the first and the sixth 不符合 with a note; waits until all is
 * saved. The items' codes and the failing ones. */
export async function answerAll(w) {
  // The list is complete when it holds as many items as the progress counts.
  const items = await waitFor('the whole checklist', async () => {
    const found = await w.all('[data-testid="inspection-item"]');
    const total = Number(((await w.text(await w.one('[data-testid="progress"]'))).match(/\/(\d+)/) ?? [])[1]);
    return found.length > 0 && found.length === total ? found : null;
  });
  const codes = [];
  for (const el of items) codes.push(await w.attr(el, 'data-code'));
  const failing = [codes[0], codes[5]];
  for (const code of codes) {
    const css = `[data-testid="inspection-item"][data-code="${code}"]`;
    if (failing.includes(code)) {
      await w.click(await w.one(`${css} [data-testid="answer-noncompliant"]`));
      await w.type(await w.one(`${css} [data-testid="item-note"]`), `现场发现问题：${code}`);
    } else {
      await w.click(await w.one(`${css} [data-testid="answer-compliant"]`));
    }
    await attrIs(w, css, 'data-result', failing.includes(code) ? 'nonCompliant' : 'compliant');
  }
  // Leave the last note field so it saves, then wait until nothing is saving.
  await w.click(await w.one('[data-testid="progress"]'));
  await waitFor('all saved', async () => {
    const states = await w.all('[data-testid="item-save-state"]');
    for (const s of states) if ((await w.text(s)).includes('保存中')) return false;
    return true;
  });
  await waitFor('progress 100%', async () => (await w.attr(await w.one('[data-testid="progress"]'), 'data-percent')) === '100');
  // The notes are saved too, not only the results.
  for (const code of failing) {
    await w.withText(`[data-testid="inspection-item"][data-code="${code}"] [data-testid="item-save-state"]`, '已保存');
  }
  return { codes, failing };
}

/** On the open inspection: 完成检查, the proposed hazards, three signatures drawn with the
 * pointer (then `signed()`), confirmed. The hazards listed once finished. */
export async function finishSigned(w, signed = async () => {}) {
  await w.click(await w.one('[data-testid="finish-button"]'));
  await waitFor('two proposals', async () => (await w.all('[data-testid="hazard-proposal"]')).length === 2);
  for (const role of ['officer1', 'officer2', 'unit']) {
    const pad = await w.one(`[data-testid="signature-pad"][data-role="${role}"]`);
    await w.draw(pad);
    await waitFor(`signature ${role}`, async () => (await w.attr(pad, 'data-empty')) === 'false');
  }
  await signed();
  await w.click(await w.one('[data-testid="confirm-finish"]'));
  await waitFor('finished', async () => (await w.text(await w.one('[data-testid="inspection-status"]'))).includes('已完成'));
  return w.all('[data-testid="finished-hazard"]');
}
