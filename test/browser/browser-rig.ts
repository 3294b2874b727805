// What every browser suite sets up: headless Chromium and a server on a loopback port, and the
// console's sign-in form filled as a person would. The app is attached once the port is known,
// since an app whose PUBLIC_BASE_URL must name the port can only be made after listening.
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './launch-chromium.js';

export interface BrowserRig {
  browser: Browser;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Answers the port's requests with this app. */
  serve(app: RequestListener): void;
  /** Closes the browser, then the server. */
  close(): Promise<void>;
}

/** For a suite's `before`; Chromium first, so a missing browser fails the suite at once (launch-chromium.ts). */
export async function startBrowserRig(): Promise<BrowserRig> {
  const browser = await launchChromium();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    browser,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve: (app) => void server.on('request', app),
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Signs in on /console/login; resolves once the console's home page is shown. */
export async function signInToConsole(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/console/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/console/`), page.click('button[type=submit]')]);
}
