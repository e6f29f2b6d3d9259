import { describe, expect, it } from 'vitest';
import { isLoopbackIceUrl } from './iceUrls.ts';

describe('isLoopbackIceUrl', () => {
  it('finds this machine however it is spelled', () => {
    for (const url of [
      'turn:127.0.0.1:3478?transport=udp',
      'turns:127.0.0.1:5349?transport=tcp',
      'stun:127.0.0.1:3478',
      'turn:127.1:3478',
      'turn:127.200.0.9',
      'turn:0x7f000001:3478',
      'turn:2130706433:3478',
      'turn:localhost:3478?transport=tcp',
      'turn:LOCALHOST',
      'turn:turn.localhost:3478',
      'turn:[::1]:3478',
      'stun:[0:0:0:0:0:0:0:1]',
      'turn:[::ffff:127.0.0.1]:3478',
    ])
      expect(isLoopbackIceUrl(url), url).toBe(true);
  });

  it('lets other addresses and names through', () => {
    for (const url of [
      'turn:turn.example.com:3478?transport=udp',
      'turns:turn.example.com:5349?transport=tcp',
      'stun:203.0.113.10:3478',
      'turn:10.0.1.5:3478',
      'turn:[2001:db8::1]:3478',
      'turn:localhost.example.com',
      'turn:128.0.0.1',
    ])
      expect(isLoopbackIceUrl(url), url).toBe(false);
  });
});
