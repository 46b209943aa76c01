import type { BrowserContext, Locator, Page } from 'playwright-core';

/**
 * What a user does in JupyterLab, for the browser tests: log in through the
 * hub, show a side panel, open a notebook, open the Schedule dialog.
 */

/** A new page in `browser`'s context, at the 1400 × 900 window the browser tests use. */
export async function newLabPage(browser: { context: BrowserContext }): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  return page;
}

/** Logs `user` in through the hub's login form and waits until JupyterLab has loaded. */
export async function logInToLab(page: Page, hubUrl: string, user: string): Promise<void> {
  await page.goto(`${hubUrl}/hub/login`);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', 'any-password');
  await page.click('[type=submit]');
  await page.waitForURL(new RegExp(`/user/${user}/lab`), { timeout: 90_000 });
  await page.waitForSelector('.jp-LabShell', { timeout: 60_000 });
}

/** The sidebar tab of the side panel `id` (e.g. `turing-jobs`, `filebrowser`). */
export function sidebarTab(page: Page, id: string): Locator {
  return page.locator(`.jp-SideBar .lm-TabBar-tab[data-id="${id}"]`);
}

/**
 * Shows the side panel `id`. Clicking the tab of a shown panel hides it, and
 * right after a reload the layout restorer may show the panel between a
 * check and a click, so the click is made only while the tab is not the
 * current one, and repeated if a late restore undid it.
 */
export async function showSidePanel(page: Page, id: string): Promise<Locator> {
  const panel = page.locator(`#${id}`);
  const tab = sidebarTab(page, id);
  const deadline = Date.now() + 30_000;
  while (!(await panel.isVisible())) {
    if (Date.now() > deadline) {
      await panel.waitFor({ state: 'visible', timeout: 1 });
      break;
    }
    await tab.waitFor({ timeout: 30_000 });
    if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
    await panel.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
  }
  return panel;
}

/** The notebook shown in the main area. */
export function currentNotebook(page: Page): Locator {
  return page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
}

/** Opens a notebook of the home directory by double-clicking it in the file browser. */
export async function openNotebook(page: Page, fileName: string): Promise<Locator> {
  const browser = await showSidePanel(page, 'filebrowser');
  await browser.locator('.jp-DirListing-itemText', { hasText: fileName }).dblclick({ timeout: 30_000 });
  await page
    .locator(`#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current`, { hasText: fileName })
    .waitFor({ timeout: 30_000 });
  const notebook = currentNotebook(page);
  await notebook.locator('.jp-Cell').first().waitFor({ timeout: 30_000 });
  return notebook;
}

/** Presses Schedule in the notebook's toolbar and returns the dialog, with its environments loaded. */
export async function openScheduleDialog(page: Page, notebook: Locator): Promise<Locator> {
  await notebook.locator('.jp-NotebookPanel-toolbar').getByRole('button', { name: 'Schedule' }).click();
  const dialog = page.getByRole('dialog', { name: 'Schedule notebook' });
  await dialog.waitFor({ timeout: 30_000 });
  await dialog.getByLabel('Environment').locator('option:checked:not([value=""])').waitFor({
    state: 'attached',
    timeout: 30_000,
  });
  return dialog;
}
