import {
  databasePoolSizeEnv,
  parseEnv,
  sharedEnv,
  signingKeyEnv,
  subgraphDatabaseEnv,
  trustedKeysEnv,
} from '@switchboard/core';
import { metricsPortEnv, observabilityEnv } from '@switchboard/observability';
import { z } from 'zod';
import { DEFAULT_RING_TIMEOUT_SECONDS, DEFAULT_UNATTENDED_TIMEOUT_SECONDS } from './config.ts';
import { DEFAULT_TURN_CREDENTIAL_TTL_SECONDS, DEV_TURN_SECRET } from './turn/turnCredentials.ts';

/** Comma-separated URLs, e.g. `turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349`. */
const urlList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().regex(/^(stun|stuns|turn|turns):\S+$/, 'expected stun:, stuns:, turn: or turns: URLs'),
      ),
    );

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    ...subgraphDatabaseEnv('calls'),
    ...databasePoolSizeEnv(6),
    ...observabilityEnv,
    ...metricsPortEnv('calls'),
    /** Public keys of the issuers this subgraph trusts, by name: {"gateway": JWK or SPKI PEM}. */
    INTERNAL_TRUSTED_KEYS: trustedKeysEnv(),
    /** calls' own Ed25519 private key: it signs calls' appends to chats' inboxes (PKCS8 PEM or JWK). */
    INTERNAL_SIGNING_KEY: signingKeyEnv('calls'),
    /** chats' gRPC server: each call signal is appended to the inboxes of its devices there. */
    CHATS_RPC_URL: z.string().url().default('http://127.0.0.1:5002'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4005),
    /** A RINGING call nobody answers ends as MISSED after this long. */
    CALL_RING_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(DEFAULT_RING_TIMEOUT_SECONDS),
    /** An ACTIVE call neither side has a live connection to for this long ends as FAILED. */
    CALL_UNATTENDED_TIMEOUT_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(DEFAULT_UNATTENDED_TIMEOUT_SECONDS),
    /** coturn's static-auth-secret: TURN credentials are HMACs made with it (README, "Calls"). */
    TURN_SECRET: z.string().min(32).default(DEV_TURN_SECRET),
    /** Handed to clients as they are; empty: no TURN (calls then need a direct path). */
    TURN_URLS: urlList('turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp'),
    STUN_URLS: urlList('stun:127.0.0.1:3478'),
    TURN_CREDENTIAL_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(24 * 3600)
      .default(DEFAULT_TURN_CREDENTIAL_TTL_SECONDS),
  }),
);
