import { parse } from 'graphql';
import type { Federation, OperationPlan } from '../federation/federation.ts';
import type { LiveField } from './liveSchema.ts';
import { ORDER_ALIAS, REPLAY_ALIAS, argumentList, gatewayQuery } from './subscriptionPlanner.ts';

export const KEYS_ALIAS = '_liveKeys';

/**
 * The gateway's own operations for a live field, each planned once over the internal schema (the
 * fields they call are usually @inaccessible) and run through the same data sources as clients'.
 */
export function liveOperations(federation: Federation, live: LiveField) {
  return {
    /**
     * `query { _liveKeys: <access>(<the field's arguments>) }`: the keys a subscriber may follow
     * (with `{ key after }` when the access field answers where each channel stands, and `version`
     * when it answers that too).
     */
    access(): OperationPlan | undefined {
      const access = live.access;
      if (!access) return undefined;
      const text = gatewayQuery(
        'LiveAccess',
        access.arguments.map((argument) => `$${argument.name}: ${argument.type}`),
        `${KEYS_ALIAS}: ${access.field}${argumentList(
          access.arguments.map((argument) => `${argument.name}: $${argument.name}`),
        )}`,
        access.withOrder || access.withVersion
          ? [['key', access.withOrder && 'after', access.withVersion && 'version'].filter(Boolean).join(' ')]
          : [],
      );
      return federation.plan(`access\n${live.field}`, () => parse(text), 'LiveAccess', true);
    },
    /** The newest order after a cursor on one channel: whether a subscriber missed the last event. */
    head(): OperationPlan | undefined {
      const replay = live.replay;
      if (!replay) return undefined;
      const text = gatewayQuery(
        'LiveHead',
        [`$_liveKey: ${replay.keyType}`, `$_liveCursor: ${replay.cursorType}`],
        `${REPLAY_ALIAS}: ${replay.field}(${replay.key}: $_liveKey, ${replay.cursor}: $_liveCursor, first: 1)`,
        [`${ORDER_ALIAS}: ${replay.orderBy}`],
      );
      return federation.plan(`head\n${live.field}`, () => parse(text), 'LiveHead', true);
    },
  };
}
