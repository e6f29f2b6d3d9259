import { ErrorCode, appError, badInput, type IdentitySigner } from '@switchboard/core';
import { Kind, getOperationAST, type DocumentNode, type FieldNode } from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values.js';
import type { LiveBus } from './liveBus.ts';
import { liveOperations } from './liveOperations.ts';
import {
  startLiveSubscription,
  type LiveSubscription,
  type LiveSubscriptionDeps,
} from './liveSubscription.ts';
import { createPayloadResolver } from './payloadResolver.ts';
import { createReconciler } from './reconciler.ts';
import { createSubscriptionPlanner } from './subscriptionPlanner.ts';
import type { Federation } from '../federation/federation.ts';

export interface SubscriptionExecutorOptions {
  federation: Federation;
  bus: LiveBus;
  signer: IdentitySigner;
  shareResolution?: boolean;
  maxQueuedPayloads?: number;
  replayPageSize?: number;
  /** How long an ordered channel stays quiet before this gateway checks it missed nothing. */
  reconcileQuietMs?: number;
  log(message: string, error?: unknown): void;
}

/**
 * Executes subscriptions to any Subscription field its owning subgraph declared live (architecture.md,
 * principle 7), from the supergraph's directives alone: the gateway knows no domain. It plans the
 * document once, checks the variables, and starts a live subscription for the subscriber.
 */
export function createSubscriptionExecutor(options: SubscriptionExecutorOptions) {
  const { federation } = options;
  const { schema } = federation.supergraph;
  const liveSchema = federation.supergraph.live;
  const planner = createSubscriptionPlanner({ federation, schema, liveSchema });
  const resolver = createPayloadResolver({ federation, signer: options.signer });
  const reconciler = createReconciler({ quietMs: options.reconcileQuietMs ?? 2_000, log: options.log });
  const deps: LiveSubscriptionDeps = {
    bus: options.bus,
    federation,
    resolver,
    reconciler,
    signer: options.signer,
    shareResolution: options.shareResolution ?? true,
    maxQueued: options.maxQueuedPayloads ?? 1000,
    replayPageSize: options.replayPageSize ?? 100,
    log: options.log,
  };
  options.bus.onReconnect(() => reconciler.checkAll());

  return {
    resolver,
    /**
     * Starts a subscription for a validated document. Throws the client's error (BAD_USER_INPUT,
     * NOT_FOUND, ...) when it cannot start.
     */
    async subscribe(request: {
      document: DocumentNode;
      operationName?: string | null;
      variables?: Record<string, unknown> | null;
      viewer: string;
      /** The subscriber's device (`{device}`), when its token names one. */
      device?: string;
      onOverflow(): void;
      onEnd?(): void;
    }): Promise<LiveSubscription> {
      const plan = planner.plan(request.document, request.operationName);
      const operation = getOperationAST(request.document, request.operationName)!;
      const root = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD)!;
      if (!plan) throw appError(ErrorCode.BAD_USER_INPUT, `${root.name.value} is not available`);
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
      if (coerced.errors) throw badInput(coerced.errors[0]!.message);
      const fieldDef = schema.getSubscriptionType()!.getFields()[root.name.value]!;
      const args = getArgumentValues(fieldDef, root, coerced.coerced);
      const access = liveOperations(federation, plan.live).access();
      return startLiveSubscription(deps, {
        plan,
        variables: coerced.coerced,
        args,
        viewer: request.viewer,
        ...(request.device === undefined ? {} : { device: request.device }),
        ...(access ? { access } : {}),
        onOverflow: request.onOverflow,
        ...(request.onEnd ? { onEnd: request.onEnd } : {}),
      });
    },
    stop() {
      reconciler.stop();
    },
  };
}

export type SubscriptionExecutor = ReturnType<typeof createSubscriptionExecutor>;
