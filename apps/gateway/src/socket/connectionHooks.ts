/**
 * What the socket server reports of its connections to whoever keeps presence: connections are
 * the gateway's own concept (a signed-in socket), not a domain one.
 */
export interface ConnectionHooks {
  /**
   * A signed-in socket opened (presence: this user, and the device its token speaks for, are
   * online through this connection).
   */
  opened(userId: string, connectionId: string, deviceId?: string | null): void;
  /** The client did something: resets the idle (AWAY) clock. */
  active(userId: string, connectionId: string): void;
  closed(userId: string, connectionId: string): void;
}
