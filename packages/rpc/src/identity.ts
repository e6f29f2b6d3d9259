import {
  Code,
  ConnectError,
  createContextKey,
  createContextValues,
  type Interceptor,
} from '@connectrpc/connect';
import type { HandlerContext } from '@connectrpc/connect';
import {
  INTERNAL_IDENTITY_HEADER,
  type Identity,
  type IdentitySigner,
  type IdentityVerifier,
  type InternalCaller,
} from '@switchboard/core';

/**
 * The internal identity on the gRPC plane: the same Ed25519 token as over HTTP, in the same
 * header (gRPC metadata), minted for the callee's name and checked by the callee.
 */

/** Whom a call is made for; unset, the calling service acts as itself (no user). */
const actingAsKey = createContextKey<Identity>({ userId: null }, { description: 'acting as' });
const callerKey = createContextKey<InternalCaller | undefined>(undefined, { description: 'internal caller' });

/** Call options that make a call on behalf of `identity` (e.g. the user whose block it is). */
export function actingAs(identity: Identity) {
  return { contextValues: createContextValues().set(actingAsKey, identity) };
}

/** Client side: signs the identity of each call for `audience`, the service called. */
export function sendIdentity(signer: IdentitySigner, audience: string): Interceptor {
  return (next) => async (request) => {
    request.header.set(
      INTERNAL_IDENTITY_HEADER,
      await signer.tokenFor(request.contextValues.get(actingAsKey), audience),
    );
    return next(request);
  };
}

/** Server side: refuses a call without a valid token for this service with `unauthenticated`. */
export function requireIdentity(verify: IdentityVerifier): Interceptor {
  return (next) => async (request) => {
    const caller = await verify(request.header.get(INTERNAL_IDENTITY_HEADER) ?? undefined);
    if (!caller) throw new ConnectError('a valid internal identity is required', Code.Unauthenticated);
    request.contextValues.set(callerKey, caller);
    return next(request);
  };
}

/** Who vouched for the call being handled, and for whom (checked by `requireIdentity`). */
export function callerOf(context: HandlerContext): InternalCaller {
  const caller = context.values.get(callerKey);
  if (!caller) throw new ConnectError('no internal identity on this call', Code.Unauthenticated);
  return caller;
}

/**
 * Who vouched for the call, refused with `permission_denied` unless it is one of `issuers`: a
 * trusted key lets its holder call only the methods meant for it (users may tell chats of blocks,
 * chats may not).
 */
export function requireIssuer(context: HandlerContext, issuers: readonly string[]): InternalCaller {
  const caller = callerOf(context);
  if (!issuers.includes(caller.issuer))
    throw new ConnectError(`${caller.issuer} may not call this method`, Code.PermissionDenied);
  return caller;
}
