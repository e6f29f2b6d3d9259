import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebServer, type RunningWebServer } from '@switchboard/web';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './support/browser.ts';
import { Client, uniqueName } from './support/client.ts';
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

  /** A person in their own browser context, signed up through the page (a device of theirs). */
  async function signUpInBrowser(
    displayName: string,
    /** Called with the page before it loads (to watch its traffic from the start). */
    onPage?: (page: Page) => void,
  ): Promise<{ page: Page; username: string }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    onPage?.(page);
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
  /** What a page's Inbox subscriptions sent and received, read off its WebSocket frames. */
  function watchInbox(page: Page) {
    const inboxIds = new Set<string>();
    const log = {
      /** `after` of each Inbox subscription the page sent, in order. */
      subscribed: [] as (string | null)[],
      /** The cursor of the last entry received before each of those subscriptions was sent. */
      lastBefore: [] as (string | null)[],
      /** Each entry received: its cursor and event type. */
      received: [] as { cursor: string; type: string }[],
      /** How many sockets the page opened. */
      sockets: 0,
      /** The cursors the page acknowledged (AckInbox), in order. */
      acked: [] as string[],
    };
    page.on('websocket', (socket) => {
      log.sockets += 1;
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload)) as {
          id?: string;
          type: string;
          payload?: { operationName?: string; variables?: { after?: string | null } };
        };
        if (message.type !== 'subscribe' || message.payload?.operationName !== 'Inbox') return;
        inboxIds.add(message.id!);
        log.subscribed.push(message.payload.variables?.after ?? null);
        log.lastBefore.push(log.received.at(-1)?.cursor ?? null);
      });
      socket.on('framereceived', ({ payload }) => {
        const message = JSON.parse(String(payload)) as {
          id?: string;
          type: string;
          payload?: { data?: { inbox?: { cursor: string; event: { __typename: string } } } };
        };
        const entry = message.payload?.data?.inbox;
        if (message.type === 'next' && inboxIds.has(message.id!) && entry)
          log.received.push({ cursor: entry.cursor, type: entry.event.__typename });
      });
    });
    page.on('request', (request) => {
      const body = request.postDataJSON() as {
        operationName?: string;
        variables?: { cursor: string };
      } | null;
      if (body?.operationName === 'AckInbox') log.acked.push(body.variables!.cursor);
    });
    return log;
  }

  /** The page's storage, as the evaluated functions see it (the tests are not typed with the DOM). */
  interface PageStorage {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
  }
  type PageGlobals = { sessionStorage: PageStorage; localStorage: PageStorage };

  /** The inbox cursor the page keeps for its device (localStorage, per signed-in device). */
  const storedCursor = (page: Page) =>
    page.evaluate(() => {
      const { sessionStorage, localStorage } = globalThis as unknown as PageGlobals;
      const session = JSON.parse(sessionStorage.getItem('switchboard.session') ?? 'null') as {
        device: { id: string };
      } | null;
      return session ? localStorage.getItem(`switchboard.inbox.${session.device.id}`) : null;
    });

  /**
   * Makes the page's next load find `cursor` kept for its device, written before its scripts run
   * (written now, it could be overwritten by an entry arriving before the reload).
   */
  async function cursorAtNextLoad(page: Page, cursor: string) {
    await page.addInitScript(() => {
      const { sessionStorage, localStorage } = globalThis as unknown as PageGlobals;
      const planted = sessionStorage.getItem('test.inboxCursor');
      if (!planted) return;
      sessionStorage.removeItem('test.inboxCursor');
      const session = JSON.parse(sessionStorage.getItem('switchboard.session')!) as {
        device: { id: string };
      };
      localStorage.setItem(`switchboard.inbox.${session.device.id}`, planted);
    });
    await page.evaluate((cursor) => {
      (globalThis as unknown as PageGlobals).sessionStorage.setItem('test.inboxCursor', cursor);
    }, cursor);
  }

  it('follows one inbox: offline, then back, each change of meanwhile is shown once; a reload resumes from the cursor kept', async () => {
    let inbox!: ReturnType<typeof watchInbox>;
    const alice = await signUpInBrowser('Alice', (page) => (inbox = watchInbox(page)));
    const context = alice.page.context();
    // The page's own connection state (shown only when not online).
    const connection = (state: string) => ({
      waitFor: () =>
        alice.page
          .locator(`[data-testid="connection"][data-state="${state}"]`)
          .waitFor({ state: 'attached' }),
    });
    const shown = (id: string) => alice.page.locator(`[data-testid="message"][data-message-id="${id}"]`);
    await connection('online').waitFor();

    // Bob, through the API (a phone, say), starts a chat with Alice and writes.
    const anonymous = new Client(stack.gateway.url);
    const bobName = uniqueName('bob');
    const { signUp: bobUp } = await anonymous.data('SignUpDevice', {
      input: {
        username: bobName,
        password: 'correct horse battery',
        displayName: 'Bob',
        deviceName: 'phone',
      },
    });
    const bob = anonymous.withToken(bobUp.token);
    const { userByUsername: aliceUser } = await bob.data('FindUser', { username: alice.username });
    const { createDirectChat: chat } = await bob.data('CreateDirectChat', { userId: aliceUser.id });
    const send = async (body: string) =>
      (await bob.data('SendMessage', { input: { chatId: chat.id, clientId: uniqueName('c'), body } }))
        .sendMessage as { id: string };
    const before = await send('Before the drop');

    // Alice's list learns of the chat from her inbox (ChatJoined, MessageAdded); she opens it and replies.
    const item = alice.page.locator(`[data-testid="chat-item"][data-chat-id="${chat.id}"]`);
    await item.filter({ hasText: 'Before the drop' }).click();
    await shown(before.id).waitFor();
    await alice.page.getByTestId('composer-input').fill('Hi Bob');
    await alice.page.getByTestId('composer-send').click();
    await message(alice.page, 'Hi Bob').waitFor();
    const hiBob = (await message(alice.page, 'Hi Bob').getAttribute('data-message-id'))!;
    await expect.poll(() => inbox.received.some((entry) => entry.type === 'MessageAdded')).toBe(true);
    // The newest cursor is kept, and acknowledged (debounced).
    const newest = () => inbox.received.at(-1)?.cursor;
    await expect.poll(async () => (await storedCursor(alice.page)) === newest()).toBe(true);
    await expect.poll(() => inbox.acked.at(-1) === newest()).toBe(true);

    // The network goes away: the page drops its socket (the browser's offline event) and says so.
    const socketsBefore = inbox.sockets;
    await context.setOffline(true);
    await connection('offline').waitFor();
    const lastBeforeDrop = newest();
    const [receivedBeforeDrop, subscribedBeforeDrop, ackedBeforeDrop] = [
      inbox.received.length,
      inbox.subscribed.length,
      inbox.acked.length,
    ];

    // Meanwhile Bob sends, edits, deletes and reacts.
    const one = await send('Away one');
    const two = await send('Away two');
    const three = await send('Away three');
    await bob.data('EditMessage', { id: one.id, body: 'Away one, edited' });
    await bob.data('DeleteMessage', { id: two.id });
    await bob.data('React', { messageId: hiBob, emoji: '👍' });
    // Nothing reaches the page meanwhile: its socket is really gone, not merely quiet.
    await alice.page.waitForTimeout(1_000);
    expect(await shown(one.id).count()).toBe(0);
    expect(inbox.received.length).toBe(receivedBeforeDrop);

    // Back online: the page reconnects by itself and resumes after the last cursor it had.
    await context.setOffline(false);
    await connection('online').waitFor();
    expect(inbox.sockets).toBeGreaterThan(socketsBefore);
    const body = (id: string) => shown(id).getByTestId('message-body');
    await body(one.id).filter({ hasText: 'Away one, edited' }).waitFor();
    await body(two.id).filter({ hasText: 'This message was deleted' }).waitFor();
    await body(three.id).filter({ hasText: 'Away three' }).waitFor();
    await shown(hiBob).locator('.reactions').filter({ hasText: '👍 1' }).waitFor();
    // Sent once on the new socket, with the newest cursor (not the one it first started with).
    expect(inbox.subscribed.slice(subscribedBeforeDrop)).toEqual([lastBeforeDrop]);
    expect(inbox.subscribed.slice(0, subscribedBeforeDrop)).toEqual([null]);

    // Each change exactly once: one element per message, no entry received twice.
    for (const id of [before.id, hiBob, one.id, two.id, three.id]) expect(await shown(id).count()).toBe(1);
    expect(await alice.page.getByTestId('message').count()).toBe(5);
    expect(await shown(one.id).textContent()).toContain('edited');
    const cursors = inbox.received.filter((entry) => entry.type !== 'CaughtUp').map((entry) => entry.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
    const missed = inbox.received.slice(receivedBeforeDrop).map((entry) => entry.type);
    expect(missed.filter((type) => type === 'MessageAdded')).toHaveLength(3);
    expect(missed.filter((type) => type === 'MessageChanged').length).toBeGreaterThanOrEqual(3);
    expect(await alice.page.getByTestId('chat-item').count()).toBe(1);
    // The newest cursor kept and acknowledged; acknowledging is debounced, not one per entry.
    await expect.poll(async () => (await storedCursor(alice.page)) === newest()).toBe(true);
    await expect.poll(() => inbox.acked.at(-1) === newest()).toBe(true);
    expect(inbox.acked.length - ackedBeforeDrop).toBeLessThan(missed.length - 1);

    // A reload resumes from the cursor kept for this device: nothing is shown twice, new ones arrive.
    const subscribedBeforeReload = inbox.subscribed.length;
    await alice.page.reload();
    await connection('online').waitFor();
    await expect.poll(() => inbox.subscribed.length).toBe(subscribedBeforeReload + 1);
    expect(inbox.subscribed.at(-1)).toBe(inbox.lastBefore.at(-1));
    await item.click();
    await body(one.id).filter({ hasText: 'Away one, edited' }).waitFor();
    const later = await send('After the reload');
    await shown(later.id).waitFor();
    expect(await alice.page.getByTestId('message').count()).toBe(6);

    // A cursor the gateway does not take (RESYNC_REQUIRED): the page reads again, follows from now.
    await cursorAtNextLoad(alice.page, 'bm90LWEtY3Vyc29y');
    await alice.page.reload();
    await expect.poll(() => inbox.subscribed.slice(-2)).toEqual(['bm90LWEtY3Vyc29y', null]);
    await connection('online').waitFor();
    await item.click();
    await shown(later.id).waitFor();
    const resynced = await send('After the resync');
    await shown(resynced.id).waitFor();
    expect(await alice.page.getByTestId('message').count()).toBe(7);
    await expect.poll(async () => (await storedCursor(alice.page)) === newest()).toBe(true);
    expect(await storedCursor(alice.page)).not.toBe('bm90LWEtY3Vyc29y');

    expect(pageErrors).toEqual([]);
  }, 120_000);
});
