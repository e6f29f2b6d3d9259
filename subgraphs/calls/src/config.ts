/** Calls' settings, given to createServer (index.ts reads them from the environment). */
export interface CallsSettings {
  /** A RINGING call nobody answers ends as MISSED after this long (default 45 s). */
  ringTimeoutSeconds: number;
  /**
   * An ACTIVE call neither side has a live connection to for this long ends as FAILED (default
   * 60 s; the calls-timeouts job looks, through presence, every quarter of it, at most every 10 s).
   */
  unattendedTimeoutSeconds: number;
  turn: TurnSettings;
}

export interface TurnSettings {
  /** coturn's static-auth-secret; never leaves the server. */
  secret: string;
  /** TURN URLs the credentials are for; none means no TURN server. */
  urls: string[];
  stunUrls: string[];
  /** How long a credential works (default 1 h): fetched again for each call. */
  credentialTtlSeconds: number;
}

export const DEFAULT_RING_TIMEOUT_SECONDS = 45;
export const DEFAULT_UNATTENDED_TIMEOUT_SECONDS = 60;
