import { openEntityChanges } from '@switchboard/messaging';

/**
 * For the worker: media's events that change a Media's `@cached` fields (its status), announced
 * again to the gateways' entity caches (processing announces them live after commit too; this
 * heals a lost one, and covers the upload, which media's HTTP route does not announce live).
 */
export const openMediaEntityChanges = (redisUrl: string) =>
  openEntityChanges(redisUrl, (event) => {
    switch (event.type) {
      case 'MediaUploaded':
      case 'MediaProcessed':
        return { typename: 'Media', id: event.payload.mediaId };
      default:
        return null;
    }
  });
