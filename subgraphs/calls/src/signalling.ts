import { badInput } from '@switchboard/core';

/** Largest SDP (offer or answer) relayed: a video offer with many codecs is 5-10 KiB. */
export const MAX_SDP_BYTES = 16 * 1024;
/** Largest ICE candidate relayed (an `RTCIceCandidateInit` as JSON is about 200-300 bytes). */
export const MAX_CANDIDATE_BYTES = 1024;

/** Control characters other than tab, CR and LF (SDP lines end with CRLF). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Signalling is relayed, not interpreted, but only as bounded text: UTF-8 within `maxBytes`, no
 * control characters but line breaks and tabs. Anything else is BAD_USER_INPUT, before any lookup.
 */
function signallingText(value: string, field: string, maxBytes: number): string {
  if (value.trim() === '') throw badInput(`${field} must not be empty`, field);
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > maxBytes) throw badInput(`${field} must be at most ${maxBytes} bytes`, field);
  // A lone surrogate has no UTF-8 form (it comes back as U+FFFD): the other side would get another text.
  if (CONTROL.test(value) || bytes.toString('utf8') !== value)
    throw badInput(`${field} must be plain text`, field);
  return value;
}

/** An SDP offer or answer (RFC 8866): text that starts with its version line. */
export function sdpInput(value: string, field: string): string {
  const sdp = signallingText(value, field, MAX_SDP_BYTES);
  if (!sdp.startsWith('v=0')) throw badInput(`${field} must be an SDP description (v=0 first)`, field);
  return sdp;
}

/** An ICE candidate, as the client serialised it (usually RTCIceCandidateInit as JSON). */
export function candidateInput(value: string): string {
  return signallingText(value, 'candidate', MAX_CANDIDATE_BYTES);
}
