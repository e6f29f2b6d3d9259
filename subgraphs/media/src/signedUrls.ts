import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring URLs of the media service. Bytes never travel through GraphQL: a URL is the
 * capability to PUT or GET one item's bytes until it expires, so the REST routes need no user
 * identity, and a CDN or a browser can fetch them as they are.
 *
 * signature = base64url(HMAC-SHA256(secret, "METHOD variant mediaId expires")). The variant keeps
 * a thumbnail URL from opening the original, and the method keeps a download URL from uploading.
 */
export type UrlVariant = 'upload' | 'original' | 'thumbnail';
type SignedMethod = 'PUT' | 'GET';

/** Development default (README, "Secrets"): fine on a laptop, refused in production. */
export const DEV_MEDIA_URL_SECRET = 'dev-only-media-url-secret-change-me-in-production';

const methodOf: Record<UrlVariant, SignedMethod> = { upload: 'PUT', original: 'GET', thumbnail: 'GET' };
const pathOf: Record<UrlVariant, (id: string) => string> = {
  upload: (id) => `/media/${id}`,
  original: (id) => `/media/${id}`,
  thumbnail: (id) => `/media/${id}/thumbnail`,
};

export interface SignedUrlOptions {
  secret: string;
  /** Public base URL of the media service (its own URL unless a proxy or CDN fronts it). */
  baseUrl: () => string;
  uploadTtlSeconds: number;
  downloadTtlSeconds: number;
  now?: () => number;
}

export type UrlCheck = { ok: true; expires: number } | { ok: false; problem: 'expired' | 'invalid' };

export function signature(secret: string, variant: UrlVariant, mediaId: string, expires: number): string {
  return createHmac('sha256', secret)
    .update(`${methodOf[variant]} ${variant} ${mediaId} ${expires}`)
    .digest('base64url');
}

/** Builds a URL for any expiry: the server's own URLs go through `createSignedUrls`; tests forge expired ones. */
export function signedUrl(
  baseUrl: string,
  secret: string,
  variant: UrlVariant,
  mediaId: string,
  expires: number,
) {
  const query = new URLSearchParams({
    expires: String(expires),
    signature: signature(secret, variant, mediaId, expires),
  });
  return `${baseUrl.replace(/\/+$/, '')}${pathOf[variant](mediaId)}?${query}`;
}

export function createSignedUrls(options: SignedUrlOptions) {
  const nowSeconds = () => Math.floor((options.now ?? Date.now)() / 1000);
  const make = (variant: UrlVariant, mediaId: string, expires: number) =>
    signedUrl(options.baseUrl(), options.secret, variant, mediaId, expires);
  // Download expiries are rounded up to the minute, so every request within that minute gets the
  // same URL and clients' HTTP caches (keyed by URL) hit instead of refetching the bytes.
  const downloadExpiry = () => Math.ceil((nowSeconds() + options.downloadTtlSeconds) / 60) * 60;

  return {
    upload: (mediaId: string) => make('upload', mediaId, nowSeconds() + options.uploadTtlSeconds),
    original: (mediaId: string) => make('original', mediaId, downloadExpiry()),
    thumbnail: (mediaId: string) => make('thumbnail', mediaId, downloadExpiry()),

    /** Checks a request's `expires` and `signature` query values (constant-time comparison). */
    check(variant: UrlVariant, mediaId: string, expiresParam: unknown, signatureParam: unknown): UrlCheck {
      if (
        typeof expiresParam !== 'string' ||
        typeof signatureParam !== 'string' ||
        !/^\d{1,12}$/.test(expiresParam)
      )
        return { ok: false, problem: 'invalid' };
      const expires = Number(expiresParam);
      const expected = Buffer.from(signature(options.secret, variant, mediaId, expires));
      const given = Buffer.from(signatureParam);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, problem: 'invalid' };
      // Checked after the signature, so an attacker learns nothing from the difference.
      if (expires <= nowSeconds()) return { ok: false, problem: 'expired' };
      return { ok: true, expires };
    },

    /** Seconds a checked URL has left, for Cache-Control. */
    remainingSeconds: (expires: number) => Math.max(0, expires - nowSeconds()),
  };
}

export type SignedUrls = ReturnType<typeof createSignedUrls>;
