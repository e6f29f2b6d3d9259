import sharp from 'sharp';

/** Thumbnails fit in 320 x 320 px, as WebP: small enough for a chat list, sharp enough for a preview. */
export const THUMBNAIL_MAX_PX = 320;
export const THUMBNAIL_MIME_TYPE = 'image/webp';

/** What the prebuilt sharp (libvips) decodes; other image types (HEIC, ICO, ...) are kept as they are. */
export const DECODABLE_IMAGE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/tiff',
  'image/svg+xml',
]);

/** The bytes are not the image they claim to be: retrying cannot help. */
export class UnreadableImageError extends Error {
  override name = 'UnreadableImageError';
}

/**
 * Dimensions as displayed (EXIF orientation applied) and a thumbnail. A decompression bomb is
 * refused by sharp's pixel limit, a truncated or corrupt file by `failOn: 'error'`.
 */
export async function describeImage(
  input: Buffer,
): Promise<{ width: number; height: number; thumbnail: Buffer }> {
  try {
    const image = sharp(input, { failOn: 'error', limitInputPixels: 100_000_000 });
    const { autoOrient } = await image.metadata();
    const thumbnail = await image
      .rotate()
      .resize({ width: THUMBNAIL_MAX_PX, height: THUMBNAIL_MAX_PX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { width: autoOrient.width, height: autoOrient.height, thumbnail };
  } catch (error) {
    throw new UnreadableImageError(`Not a readable image: ${(error as Error).message}`);
  }
}
