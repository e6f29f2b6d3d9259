/**
 * A live event as a subgraph publishes it on a channel: its `type` (which @live fields it feeds),
 * what those fields need of it (their order, e.g. `seq`), and optionally the owner's `data`: the
 * committed value of the field, as the owner would answer it, so a delivery needs no round trip.
 */
export type LiveEvent = { type: string; data?: unknown } & Record<string, unknown>;

/** Tells a subscriber they gained or lost a channel (`@live(revokedOn:)`). */
export interface LiveAccessEvent {
  type: 'liveAccess';
  channel: string;
  granted: boolean;
  /** With a grant: the order the channel stood at, so what comes after it is owed. */
  after?: number;
}
