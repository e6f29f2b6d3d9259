import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (apt-get install -y chromium; .ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium with nothing of its own on the network; `args` add to the defaults. */
export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...args,
    ],
  });
}
