import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * Accessibility checks for the browser tests: switch JupyterLab's theme and
 * scan one Turing surface with axe-core against WCAG 2.1 A and AA.
 */

/** JupyterLab's own theme names. */
export const THEMES = { light: 'JupyterLab Light', dark: 'JupyterLab Dark' } as const;
export type ThemeName = keyof typeof THEMES;

/** One axe finding, shortened for a readable assertion message. */
export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Sets the lab's theme through the settings API (as the Settings menu does)
 * and reloads, so the whole page is styled by it from the start.
 */
export async function useTheme(page: Page, theme: ThemeName): Promise<void> {
  const labUrl = page.url().replace(/\/lab(\/.*)?(\?.*)?$/, '/lab');
  const status = await page.evaluate(
    async ({ url, name }) => {
      const xsrf = /(?:^|;\s*)_xsrf=([^;]*)/.exec(document.cookie)?.[1] ?? '';
      const res = await fetch(`${url}/api/settings/@jupyterlab/apputils-extension:themes`, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-XSRFToken': decodeURIComponent(xsrf) },
        body: JSON.stringify({ raw: JSON.stringify({ theme: name }) }),
      });
      return res.status;
    },
    { url: labUrl, name: THEMES[theme] },
  );
  if (status !== 204 && status !== 200) {
    throw new Error(`setting the theme answered ${status}`);
  }
  await page.reload();
  // The lab's body has no box of its own, so "visible" would never hold.
  await page.waitForSelector(`body[data-jp-theme-name="${THEMES[theme]}"]`, {
    state: 'attached',
    timeout: 60_000,
  });
  await page.waitForSelector('.jp-LabShell', { timeout: 60_000 });
}

/**
 * Picks the theme from the Settings → Theme menu, as a user does, without a
 * reload (so an open dialog or panel state survives), then closes the menu.
 */
export async function pickThemeFromMenu(page: Page, theme: ThemeName): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Settings$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Theme$/ }).hover();
  await page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${THEMES[theme]}$`) }).click();
  await page.waitForSelector(`body[data-jp-theme-name="${THEMES[theme]}"]`, { state: 'attached' });
  await page.keyboard.press('Escape');
}

/**
 * The serious and critical WCAG 2.1 A/AA violations inside `selector`
 * (a Turing surface), empty when it passes.
 */
export async function seriousViolations(page: Page, selector: string): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page })
    .include(selector)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}
