import { uniqueName, type Client } from './client.ts';

/** One signed-in device of a user: its id, and a client holding its token. */
export interface Device {
  userId: string;
  deviceId: string;
  client: Client;
}

export interface Person {
  id: string;
  username: string;
  devices: Device[];
}

const PASSWORD = 'correct horse battery';

/**
 * Someone signed up on one device ("phone") and signed in on `devices - 1` more, with the
 * contract's `SignUpDevice` and `SignInDevice`.
 */
export async function signUpWithDevices(anonymous: Client, devices = 1): Promise<Person> {
  const username = uniqueName();
  const up = await anonymous.data('SignUpDevice', {
    input: { username, password: PASSWORD, displayName: username, deviceName: 'phone' },
  });
  const all: Device[] = [
    {
      userId: up.signUp.user.id,
      deviceId: up.signUp.device.id,
      client: anonymous.withToken(up.signUp.token),
    },
  ];
  for (let i = 1; i < devices; i += 1) {
    const signIn = await anonymous.data('SignInDevice', {
      input: { username, password: PASSWORD, deviceName: `device ${i}` },
    });
    all.push({
      userId: signIn.signIn.user.id,
      deviceId: signIn.signIn.device.id,
      client: anonymous.withToken(signIn.signIn.token),
    });
  }
  return { id: up.signUp.user.id, username, devices: all };
}

/** An entry as the contract's `Inbox` document answers it. */
export interface InboxEntry {
  cursor: string;
  event: Record<string, any> & { __typename: string };
}
