import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium, installed by scripts/bootstrap.sh. */
export const CHROMIUM_PATH = process.env.TURING_CHROMIUM ?? '/usr/bin/chromium';

/** Options of {@link launchChromium}. */
export interface LaunchChromiumOptions {
  /** The browser's time zone (IANA name), e.g. `America/New_York`; default the machine's. */
  timezoneId?: string;
}

/**
 * A headless Chromium with a fresh profile, flags for a machine without
 * internet (no background connections), closed by `close()`.
 */
export async function launchChromium(
  options: LaunchChromiumOptions = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'turing-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
