import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localTurnUrls, startLocalCoturn, TURNSERVER, type LocalCoturn } from '@switchboard/calls/turn';
import { createWebServer, type RunningWebServer } from '@switchboard/web';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './support/browser.ts';
import { openCallsDb } from './support/calls.ts';
import { uniqueName } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';
import { freeUdpPort } from './support/turnClient.ts';
import { waitFor } from './support/wait.ts';

const missing = [CHROMIUM, TURNSERVER].filter((path) => !existsSync(path));
if (missing.length > 0)
  console.warn(
    `tests/calls-web.e2e.ts skipped: ${missing.join(' and ')} missing (apt-get install -y chromium coturn; .ci/run does).`,
  );

/** The little of a page's WebRTC and DOM these tests use (the tests compile without the DOM lib). */
interface PeerConnection {
  connectionState: string;
  signalingState: string;
  getStats(): Promise<Map<string, Record<string, unknown>>>;
  getConfiguration(): { iceTransportPolicy?: string };
  getSenders(): { track: { kind: string; enabled: boolean } | null }[];
}
interface PageGlobals {
  peerConnections: PeerConnection[];
  callStates: Record<string, number>;
  RTCPeerConnection: new (configuration?: object) => PeerConnection;
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
  document: { querySelector(selector: string): { dataset: Record<string, string | undefined> } | null };
}

/**
 * Runs in each page before its scripts: every RTCPeerConnection the web client makes is forced to
 * relay through TURN (as WhatsApp's "protect IP address in calls" does), and kept where the test
 * can read its stats; the moments the call panel first shows each state are noted.
 */
function instrumentPage() {
  const page = globalThis as unknown as PageGlobals;
  page.peerConnections = [];
  page.callStates = {};
  const Native = page.RTCPeerConnection;
  page.RTCPeerConnection = class extends Native {
    constructor(configuration?: object) {
      super({ ...configuration, iceTransportPolicy: 'relay' });
      page.peerConnections.push(this);
    }
  };
  new page.MutationObserver(() => {
    const panel = page.document.querySelector('[data-testid="call-panel"]');
    for (const key of [panel?.dataset['state'], panel && `connection:${panel.dataset['connection']}`])
      if (key && !(key in page.callStates)) page.callStates[key] = Date.now();
  }).observe(page.document, { subtree: true, childList: true, attributes: true });
}

/** What getStats() says of the page's call: the selected candidate pair, and RTP received. */
async function mediaStats(page: Page) {
  return page.evaluate(async () => {
    const connection = (globalThis as unknown as PageGlobals).peerConnections.at(-1)!;
    const stats = await connection.getStats();
    const all = [...stats.values()];
    const transport = all.find((stat) => stat['type'] === 'transport');
    const pair = transport ? stats.get(transport['selectedCandidatePairId'] as string) : undefined;
    const local = pair ? stats.get(pair['localCandidateId'] as string) : undefined;
    const remote = pair ? stats.get(pair['remoteCandidateId'] as string) : undefined;
    const inbound = all.filter((stat) => stat['type'] === 'inbound-rtp');
    return {
      policy: connection.getConfiguration().iceTransportPolicy,
      connectionState: connection.connectionState,
      pairState: pair?.['state'],
      local: {
        type: local?.['candidateType'],
        protocol: local?.['protocol'],
        relayProtocol: local?.['relayProtocol'],
      },
      remoteType: remote?.['candidateType'],
      packetsReceived: Object.fromEntries(
        inbound.map((stat) => [stat['kind'] as string, stat['packetsReceived'] as number]),
      ) as Record<string, number>,
    };
  });
}

describe.skipIf(missing.length > 0)('a video call between two browsers, relayed by coturn', () => {
  let coturn: LocalCoturn;
  let stack: Stack;
  let web: RunningWebServer;
  let browser: Browser;
  let cacheDir: string;
  let callsDb: ReturnType<typeof openCallsDb>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const secret = randomBytes(24).toString('base64');
    const port = await freeUdpPort();
    const min = randomInt(50_000, 59_000);
    coturn = await startLocalCoturn({ secret, port, relayPorts: { min, max: min + 99 } });
    cacheDir = await mkdtemp(join(tmpdir(), 'switchboard-vite-'));
    // As in production: the gateway runs only the persisted query manifest's operations.
    stack = await startStack({
      gateway: { safelist: true },
      calls: { turn: { secret, urls: localTurnUrls(port), stunUrls: [] } },
    });
    callsDb = openCallsDb(stack.config.databaseUrl);
    web = await createWebServer({
      gatewayUrl: stack.gateway.url,
      mediaUrl: stack.subgraphs.media.url,
      watch: false,
      cacheDir,
    }).listen(0);
    // A camera and a microphone that play a test pattern and a beep, granted without asking.
    browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ]);
  });
  afterAll(async () => {
    await Promise.all(browser?.contexts().map((context) => context.close()) ?? []);
    await browser?.close();
    await web?.stop();
    await callsDb?.$disconnect();
    await stack?.stop();
    await coturn?.stop();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  async function signUpInBrowser(displayName: string): Promise<{ page: Page; username: string }> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    context.setDefaultTimeout(20_000);
    await context.addInitScript(instrumentPage);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${displayName}: ${error.message}`));
    await page.goto(web.url);
    const username = uniqueName('call');
    await page.getByTestId('auth-username').fill(username);
    await page.getByTestId('auth-password').fill('correct horse battery');
    await page.getByTestId('auth-display-name').fill(displayName);
    await page.getByTestId('auth-sign-up').click();
    await page.getByTestId('me').filter({ hasText: displayName }).waitFor();
    return { page, username };
  }

  const panel = (page: Page, state: string) =>
    page.locator(`[data-testid="call-panel"][data-state="${state}"]`);
  const videoWidth = (page: Page, testId: string) =>
    page.getByTestId(testId).evaluate((video) => (video as unknown as { videoWidth: number }).videoWidth);

  it('A calls B, B answers, media flows both ways through the TURN relay over UDP, and a hang-up ends it on both sides', async () => {
    // A signed-in page holds two subscriptions (CallEvents, MessageAdded): an INCOMING sent before
    // Bob's listens would be lost (live events are at most once), so wait for all four.
    const alice = await signUpInBrowser('Alice');
    const bob = await signUpInBrowser('Bob');
    await waitFor(() => stack.gateway.activeSubscriptions() >= 4, 15_000, 'both pages to listen');

    // Alice opens a direct chat with Bob and writes; Bob opens it from his list.
    await alice.page.getByTestId('new-chat-username').fill(bob.username);
    await alice.page.getByTestId('new-chat-start').click();
    const chatId = await alice.page.getByTestId('chat').getAttribute('data-chat-id');
    await alice.page.getByTestId('composer-input').fill('Can I call you?');
    await alice.page.getByTestId('composer-send').click();
    await bob.page.getByTestId('chat-item').filter({ hasText: 'Can I call you?' }).click();
    // calls learns of the chat from chats' event (outbox, worker); a call before that is NOT_FOUND.
    await waitFor(
      () => callsDb.directChat.findUnique({ where: { chatId: chatId! } }),
      15_000,
      'calls to know the chat',
    );

    const startCall = alice.page.waitForRequest((request) =>
      (request.postData() ?? '').includes('"operationName":"StartCall"'),
    );
    await alice.page.getByTestId('call-video').click();
    const startCallSent = await startCall;
    await panel(alice.page, 'RINGING').waitFor();

    const banner = bob.page.getByTestId('incoming-call');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Alice is calling you (video call)');
    await bob.page.getByTestId('call-accept').click();
    await Promise.all([panel(alice.page, 'ACTIVE').waitFor(), panel(bob.page, 'ACTIVE').waitFor()]);
    await Promise.all(
      [alice.page, bob.page].map((page) =>
        page.locator('[data-testid="call-panel"][data-connection="connected"]').waitFor(),
      ),
    );

    // RTP arrives on both sides, over a relay candidate pair on UDP: the media went through coturn.
    const stats: Record<string, Awaited<ReturnType<typeof mediaStats>>> = {};
    for (const [name, page] of [
      ['Alice', alice.page],
      ['Bob', bob.page],
    ] as const) {
      await expect
        .poll(
          async () => {
            const { packetsReceived } = await mediaStats(page);
            return Math.min(packetsReceived['audio'] ?? 0, packetsReceived['video'] ?? 0);
          },
          { timeout: 20_000 },
        )
        .toBeGreaterThan(100);
      stats[name] = await mediaStats(page);
      expect(stats[name]).toMatchObject({
        policy: 'relay',
        connectionState: 'connected',
        pairState: 'succeeded',
        local: { type: 'relay', protocol: 'udp', relayProtocol: 'udp' },
        remoteType: 'relay',
      });
      // Both pictures play: the other side's, and one's own.
      await expect.poll(() => videoWidth(page, 'remote-video')).toBeGreaterThan(0);
      await expect.poll(() => videoWidth(page, 'local-video')).toBeGreaterThan(0);
    }

    // Mute stops Alice's microphone track (the call goes on).
    await alice.page.getByTestId('call-mute').click();
    await alice.page.locator('[data-testid="call-mute"][aria-pressed="true"]').waitFor();
    expect(
      await alice.page.evaluate(() =>
        (globalThis as unknown as PageGlobals).peerConnections
          .at(-1)!
          .getSenders()
          .filter((sender) => sender.track?.kind === 'audio')
          .map((sender) => sender.track!.enabled),
      ),
    ).toEqual([false]);

    await alice.page.getByTestId('call-hangup').click();
    for (const page of [alice.page, bob.page]) {
      await page
        .locator('[data-testid="call-panel"][data-state="ENDED"][data-end-reason="HANGUP"]')
        .waitFor();
      expect(
        await page.evaluate(
          () => (globalThis as unknown as PageGlobals).peerConnections.at(-1)!.signalingState,
        ),
      ).toBe('closed');
    }

    const times = await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).callStates);
    const sentAt = startCallSent.timing().startTime;
    const setupMs = Math.round(times['ACTIVE']! - sentAt);
    const mediaMs = Math.round(times['connection:connected']! - sentAt);
    expect(setupMs).toBeGreaterThan(0);
    console.log(
      `calls-web: startCall -> ACTIVE ${setupMs} ms (the test accepts at once), startCall -> media connected ${mediaMs} ms; ` +
        `RTP packets received through the TURN relay (UDP): Alice ${JSON.stringify(stats['Alice']!.packetsReceived)}, ` +
        `Bob ${JSON.stringify(stats['Bob']!.packetsReceived)}`,
    );
    const history = await callsDb.call.findMany({ where: { chatId: chatId! } });
    expect(history).toMatchObject([{ state: 'ENDED', endReason: 'HANGUP', video: true }]);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
