import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium; `npm test` installs it (tools/setup.mjs, group 'browser'). Never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';

/** Headless chromium with no background network traffic of its own. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run \`npm test\` (it installs Debian's chromium when root) or \`apt-get install chromium\``);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // Playwright gives each launch a fresh user-data-dir.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** `out/<name>` at the repository root (gitignored), created if needed: screenshots for people to look at. */
export function outDir(name: string): string {
  const dir = join(__dirname, '..', '..', 'out', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
