// The one way browser tests start Chromium. CI installs Debian's chromium (.ci/run), so a missing
// browser fails the suite at once with this one message; it never skips and never waits.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where the browser is; CHROMIUM_PATH exists so the missing-browser test can point elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const MISSING_CHROMIUM = `Chromium not found at ${CHROMIUM_PATH}: the browser tests need it (apt-get install chromium, or run bash .ci/run)`;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(MISSING_CHROMIUM);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
