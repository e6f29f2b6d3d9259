import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import stun from '@msimerson/stun';

const { constants } = stun;
/** REQUESTED-TRANSPORT's value for UDP: protocol 17 in the first byte (RFC 8656). */
const UDP = 17 << 24;

export type AllocateResult =
  { ok: true; relayed: { address: string; port: number } } | { ok: false; code: number; reason: string };

/**
 * A TURN Allocate over UDP with long-term credentials (RFC 8656), as a browser does before it
 * can relay: the first request is refused with 401 and the server's realm and nonce, the second
 * carries the username and MESSAGE-INTEGRITY keyed with MD5(username:realm:password).
 */
export async function turnAllocate(
  port: number,
  credentials: { username: string; credential: string },
): Promise<AllocateResult> {
  const socket = createSocket('udp4');
  const exchange = (message: ReturnType<typeof stun.createMessage>) =>
    new Promise<ReturnType<typeof stun.decode>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the TURN server')), 5_000);
      socket.once('message', (buffer) => {
        clearTimeout(timer);
        resolve(stun.decode(buffer));
      });
      socket.send(stun.encode(message), port, '127.0.0.1');
    });
  const request = () => {
    const message = stun.createMessage(constants['STUN_ALLOCATE_REQUEST']!);
    message.addAttribute(constants['STUN_ATTR_REQUESTED_TRANSPORT']!, UDP);
    return message;
  };
  try {
    const challenge = await exchange(request());
    const realm = challenge.getRealm();
    const nonce = challenge.getNonce();
    if (challenge.getError()?.code !== 401 || !realm || !nonce)
      throw new Error(`expected a 401 challenge, got ${JSON.stringify(challenge.getError())}`);
    const message = request();
    message.addUsername(credentials.username);
    message.addRealm(realm);
    message.addNonce(nonce);
    message.addMessageIntegrity(
      createHash('md5').update(`${credentials.username}:${realm}:${credentials.credential}`).digest(),
    );
    message.addFingerprint();
    const response = await exchange(message);
    const error = response.getError();
    if (error) return { ok: false, ...error };
    const { address, port: relayedPort } = response.getAttribute(constants['STUN_ATTR_XOR_RELAYED_ADDRESS']!)
      ?.value as { address: string; port: number };
    return { ok: true, relayed: { address, port: relayedPort } };
  } finally {
    socket.close();
  }
}

/** A UDP port free now (coturn listens on it for UDP and TCP). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
