import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@switchboard/core';

/**
 * An operation that got nothing because a subgraph is unavailable answers HTTP 503 with
 * Retry-After (the longest `retryAfter` of its errors), so clients and proxies back off and retry,
 * as they would not for a 200. One that got part of its data stays 200, with the codes per field.
 */
export const unavailablePlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const { data, errors } = response.body.singleResult;
        if (
          !errors?.length ||
          errors.some((error) => error.extensions?.['code'] !== ErrorCode.SERVICE_UNAVAILABLE)
        )
          return;
        if (data && Object.values(data).some((value) => value !== null)) return;
        const retryAfter = Math.max(...errors.map((error) => Number(error.extensions?.['retryAfter'] ?? 1)));
        response.http.status = 503;
        response.http.headers.set('retry-after', String(retryAfter));
      },
    };
  },
};
