import { describe, expect, it } from 'vitest';
import { channelOf, keyOf, parseChannelTemplate } from './liveSchema.ts';

describe('channel templates', () => {
  it('are keyed by their field argument, else by the subscriber placeholder they name', () => {
    expect(parseChannelTemplate('board:{boardId}')).toMatchObject({
      argument: 'boardId',
      keyName: 'boardId',
    });
    expect(parseChannelTemplate('board:{boardId}:{device}')).toMatchObject({ keyName: 'boardId' });
    const perDevice = parseChannelTemplate('feed:{device}');
    expect(perDevice.keyName).toBe('device');
    expect(perDevice.argument).toBeUndefined();
    expect(parseChannelTemplate('user:{viewer}:{device}').keyName).toBe('device');
    expect(parseChannelTemplate('calls:{viewer}').keyName).toBe('viewer');
    expect(parseChannelTemplate('announcements').keyName).toBeUndefined();
  });

  it("fill {viewer} and {device} with the subscriber's, and read a channel's key back", () => {
    const subscriber = { viewer: 'u1', device: 'd1' };
    const perDevice = parseChannelTemplate('feed:{device}');
    expect(channelOf(perDevice, subscriber)).toBe('feed:d1');
    expect(keyOf(perDevice, 'feed:d1', subscriber)).toBe('d1');
    const perBoardAndDevice = parseChannelTemplate('board:{boardId}:{device}');
    expect(channelOf(perBoardAndDevice, { ...subscriber, boardId: 'c1' })).toBe('board:c1:d1');
    expect(keyOf(perBoardAndDevice, 'board:c1:d1', subscriber)).toBe('c1');
    // Another device's channel, or a subscriber with no device, is not theirs.
    expect(keyOf(perBoardAndDevice, 'board:c1:d2', subscriber)).toBeNull();
    expect(keyOf(perBoardAndDevice, 'board:c1:d1', { viewer: 'u1' })).toBeNull();
  });
});
