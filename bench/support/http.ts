// GraphQL over HTTP from the load generator: node:http with keep-alive, so the bench client spends
// little of the machine's two cores on its own side of each request.
import { Agent, request } from 'node:http';
import { contract, type GraphQLResponse } from '../../tests/support/client.ts';

export interface HttpResult<T> {
  status: number;
  /** The raw body, for comparing two servers' answers byte for byte. */
  text: string;
  body: GraphQLResponse<T>;
}

export interface GraphQLHttp {
  /** Sends a contract operation, by name, with the user's token. */
  op<T = Record<string, any>>(
    name: string,
    variables: Record<string, unknown>,
    token?: string,
  ): Promise<HttpResult<T>>;
  /** Like `op`, but throws on any error and returns `data`. */
  data<T = Record<string, any>>(name: string, variables: Record<string, unknown>, token?: string): Promise<T>;
  close(): void;
}

/** A client for one GraphQL endpoint; `maxSockets` bounds its connections (default: no bound). */
export function graphqlHttp(url: string, options: { maxSockets?: number } = {}): GraphQLHttp {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? Infinity });
  const post = (payload: string, token?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const client: GraphQLHttp = {
    async op<T>(name: string, variables: Record<string, unknown>, token?: string) {
      const query = contract.get(name);
      if (!query) throw new Error(`No contract operation named ${name}`);
      const { status, text } = await post(JSON.stringify({ query, variables, operationName: name }), token);
      let body: GraphQLResponse<T>;
      try {
        body = JSON.parse(text) as GraphQLResponse<T>;
      } catch {
        body = { errors: [{ message: `HTTP ${status}: ${text.slice(0, 200)}` }] };
      }
      return { status, text, body };
    },
    async data<T>(name: string, variables: Record<string, unknown>, token?: string) {
      const { status, body } = await client.op<T>(name, variables, token);
      if (status !== 200 || body.errors?.length || !body.data)
        throw new Error(`${name} failed (HTTP ${status}): ${JSON.stringify(body.errors ?? body)}`);
      return body.data;
    },
    close: () => agent.destroy(),
  };
  return client;
}

/** The first error's code, or a description of what went wrong. */
export function failure(result: HttpResult<unknown>): string | undefined {
  const error = result.body.errors?.[0];
  if (error) return String(error.extensions?.['code'] ?? error.message);
  if (result.status !== 200) return `HTTP ${result.status}`;
  return undefined;
}
