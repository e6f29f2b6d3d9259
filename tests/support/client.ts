import { readFileSync } from 'node:fs';
import type { PersistedQueryManifest } from '../../apps/gateway/src/guards/manifest.ts';

/**
 * The client contract as the apps send it: the trusted documents of the persisted-query manifest
 * (`npm run manifest` builds it from contract/operations; a test checks it is up to date), by
 * operation name.
 */
function loadContract(): Map<string, string> {
  const manifest = JSON.parse(
    readFileSync(new URL('../../contract/persisted-query-manifest.json', import.meta.url), 'utf8'),
  ) as PersistedQueryManifest;
  return new Map(manifest.operations.map((operation) => [operation.name, operation.body]));
}

export const contract = loadContract();

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** A plain HTTP GraphQL client, as a mobile app would be: POST JSON with a bearer token. */
export class Client {
  constructor(
    readonly url: string,
    public token?: string,
  ) {}

  withToken(token: string | undefined): Client {
    return new Client(this.url, token);
  }

  async request<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T> & { status: number }> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphQLResponse<T>;
    return { ...body, status: response.status };
  }

  /** Sends a contract operation, by name, exactly as the apps send it. */
  op<T = Record<string, any>>(name: string, variables: Record<string, unknown> = {}) {
    const document = contract.get(name);
    if (!document) throw new Error(`No contract operation named ${name}`);
    return this.request<T>(document, variables);
  }

  /** Like `op`, but fails the test on any error and returns `data`. */
  async data<T = Record<string, any>>(name: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await this.op<T>(name, variables);
    if (result.errors?.length || !result.data)
      throw new Error(`${name} failed: ${JSON.stringify(result.errors ?? result)}`);
    return result.data;
  }
}

/** The first error's code, for asserting what a client sees. */
export function errorCode(result: GraphQLResponse): unknown {
  return result.errors?.[0]?.extensions?.['code'];
}

let counter = 0;
/** A username unique within the run (the database is shared by the run's test files). */
export function uniqueName(prefix = 'u'): string {
  counter += 1;
  return `${prefix}_${process.pid.toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`.slice(
    0,
    32,
  );
}

/** Signs up a fresh user through the gateway and returns a client holding their first device's token. */
export async function signUp(
  base: Client,
  displayName = 'Test User',
): Promise<{ client: Client; id: string; username: string; deviceId: string }> {
  const username = uniqueName();
  const data = await base.data<{
    signUp: { token: string; user: { id: string }; device: { id: string } };
  }>('SignUpDevice', { input: { username, password: 'correct horse battery', displayName } });
  return {
    client: base.withToken(data.signUp.token),
    id: data.signUp.user.id,
    username,
    deviceId: data.signUp.device.id,
  };
}
