import { describe, expect, it } from 'vitest';
import { channelOf, keyOf, parseChannelTemplate } from './liveSchema.ts';

describe('channel templates', () => {
  it('are keyed by their field argument, else by the subscriber placeholder they name', () => {
    expect(parseChannelTemplate('chat:{chatId}')).toMatchObject({ argument: 'chatId', keyName: 'chatId' });
    expect(parseChannelTemplate('chat:{chatId}:{device}')).toMatchObject({ keyName: 'chatId' });
    const perDevice = parseChannelTemplate('inbox:{device}');
    expect(perDevice.keyName).toBe('device');
    expect(perDevice.argument).toBeUndefined();
    expect(parseChannelTemplate('user:{viewer}:{device}').keyName).toBe('device');
    expect(parseChannelTemplate('calls:{viewer}').keyName).toBe('viewer');
    expect(parseChannelTemplate('announcements').keyName).toBeUndefined();
  });

  it("fill {viewer} and {device} with the subscriber's, and read a channel's key back", () => {
    const subscriber = { viewer: 'u1', device: 'd1' };
    const perDevice = parseChannelTemplate('inbox:{device}');
    expect(channelOf(perDevice, subscriber)).toBe('inbox:d1');
    expect(keyOf(perDevice, 'inbox:d1', subscriber)).toBe('d1');
    const perChatAndDevice = parseChannelTemplate('chat:{chatId}:{device}');
    expect(channelOf(perChatAndDevice, { ...subscriber, chatId: 'c1' })).toBe('chat:c1:d1');
    expect(keyOf(perChatAndDevice, 'chat:c1:d1', subscriber)).toBe('c1');
    // Another device's channel, or a subscriber with no device, is not theirs.
    expect(keyOf(perChatAndDevice, 'chat:c1:d2', subscriber)).toBeNull();
    expect(keyOf(perChatAndDevice, 'chat:c1:d1', { viewer: 'u1' })).toBeNull();
  });
});
