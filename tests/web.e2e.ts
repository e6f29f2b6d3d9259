import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebServer, type RunningWebServer } from '@switchboard/web';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './support/browser.ts';
import { uniqueName } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';

const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing)
  console.warn(
    `tests/web.e2e.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run does).`,
  );

describe.skipIf(chromiumMissing)('the web client, in headless Chromium', () => {
  let stack: Stack;
  let web: RunningWebServer;
  let browser: Browser;
  let cacheDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'switchboard-vite-'));
    // As in production: the gateway runs only the persisted query manifest's operations.
    stack = await startStack({ gateway: { safelist: true } });
    web = await createWebServer({
      gatewayUrl: stack.gateway.url,
      mediaUrl: stack.subgraphs.media.url,
      watch: false,
      cacheDir,
    }).listen(0);
    browser = await launchChromium();
  });
  afterAll(async () => {
    // Pages first: their sockets close as a tab's do, rather than reset with the browser process.
    await Promise.all(browser?.contexts().map((context) => context.close()) ?? []);
    await browser?.close();
    await web?.stop();
    await stack?.stop();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  /** A person in their own browser context, signed up through the page. */
  async function signUpInBrowser(displayName: string): Promise<{ page: Page; username: string }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${displayName}: ${error.message}`));
    await page.goto(web.url);
    const username = uniqueName('web');
    await page.getByTestId('auth-username').fill(username);
    await page.getByTestId('auth-password').fill('correct horse battery');
    await page.getByTestId('auth-display-name').fill(displayName);
    await page.getByTestId('auth-sign-up').click();
    await page.getByTestId('me').filter({ hasText: displayName }).waitFor();
    return { page, username };
  }

  const message = (page: Page, text: string) => page.getByTestId('message').filter({ hasText: text });
  const status = (page: Page, text: string, value: string) =>
    message(page, text).locator(`[data-testid="message-status"][data-status="${value}"]`);

  it('chats live between two people: direct chat by username, delivery and read marks, typing, an image', async () => {
    const alice = await signUpInBrowser('Alice');
    const bob = await signUpInBrowser('Bob');

    // Alice finds Bob by username and writes to him.
    await alice.page.getByTestId('new-chat-username').fill(bob.username);
    await alice.page.getByTestId('new-chat-start').click();
    await alice.page.getByTestId('chat-title').filter({ hasText: 'Bob' }).waitFor();
    await alice.page.getByTestId('composer-input').fill('Hello Bob');
    await alice.page.getByTestId('composer-send').click();
    await status(alice.page, 'Hello Bob', 'SENT')
      .or(status(alice.page, 'Hello Bob', 'DELIVERED'))
      .waitFor();

    // Bob's chat list learns of the new chat with its first message, live; his page marks it delivered.
    const chat = bob.page.getByTestId('chat-item').filter({ hasText: 'Hello Bob' });
    await chat.waitFor();
    expect(await chat.getByTestId('chat-item-title').textContent()).toBe('Alice');
    expect(await chat.getByTestId('unread-count').textContent()).toBe('1');
    await status(alice.page, 'Hello Bob', 'DELIVERED').waitFor();

    // Bob opens it: the message is shown, so his page marks it read, and Alice sees READ.
    await chat.click();
    await message(bob.page, 'Hello Bob').waitFor();
    await status(alice.page, 'Hello Bob', 'READ').waitFor();
    await chat.getByTestId('unread-count').waitFor({ state: 'detached' });

    // Bob types: Alice, in the chat, sees it. Then his reply arrives live and she reads it.
    await bob.page.getByTestId('composer-input').pressSequentially('Hi Alice', { delay: 30 });
    await alice.page.getByTestId('typing-indicator').filter({ hasText: 'Bob is typing' }).waitFor();
    await bob.page.getByTestId('composer-send').click();
    await message(alice.page, 'Hi Alice').waitFor();
    await status(bob.page, 'Hi Alice', 'READ').waitFor();

    // Alice sends an image: uploaded by signed PUT, shown as its thumbnail once processed, on both pages.
    const png = await sharp({ create: { width: 48, height: 32, channels: 3, background: '#0b7a66' } })
      .png()
      .toBuffer();
    await alice.page.getByTestId('composer-input').fill('A picture');
    await alice.page
      .getByTestId('composer-attach')
      .setInputFiles({ name: 'green.png', mimeType: 'image/png', buffer: png });
    for (const page of [alice.page, bob.page]) {
      const thumbnail = message(page, 'A picture').getByTestId('attachment-thumbnail');
      await thumbnail.waitFor({ timeout: 30_000 });
      await expect
        .poll(() =>
          thumbnail.evaluate((img: { complete: boolean; naturalWidth: number }) =>
            img.complete ? img.naturalWidth : 0,
          ),
        )
        .toBeGreaterThan(0);
    }
    await status(alice.page, 'A picture', 'READ').waitFor();

    expect(pageErrors).toEqual([]);
  }, 120_000);
});
