import type { Api } from './api.ts';

/**
 * Uploads a file as media: createUpload reserves it and signs a URL, which takes exactly that
 * many bytes of that type by PUT. Returns the media id, to attach to a message.
 */
export async function upload(api: Api, file: File): Promise<string> {
  const mimeType = file.type || 'application/octet-stream';
  const { createUpload } = await api.request<{ createUpload: { uploadUrl: string; media: { id: string } } }>(
    'CreateUpload',
    { input: { fileName: file.name, mimeType, byteSize: file.size } },
  );
  // Through this page's own origin, which proxies /media/ to the media service: a cross-origin
  // PUT would need a CORS preflight. The signature covers the path and query, not the host.
  const { pathname, search } = new URL(createUpload.uploadUrl);
  const response = await fetch(pathname + search, {
    method: 'PUT',
    headers: { 'content-type': mimeType },
    body: file,
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(`Upload failed: ${body?.error?.message ?? `HTTP ${response.status}`}`);
  }
  return createUpload.media.id;
}
