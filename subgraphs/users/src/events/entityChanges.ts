import { openEntityChanges } from '@switchboard/messaging';

/**
 * For the worker: users' events that change a User's `@cached` fields, announced again to the
 * gateways' entity caches (users announces them live after commit too; this heals a lost one).
 */
export const openUserEntityChanges = (redisUrl: string) =>
  openEntityChanges(redisUrl, (event) => {
    switch (event.type) {
      case 'UserProfileChanged':
      case 'UserAvatarChanged':
      case 'LastSeenVisibilityChanged':
        return { typename: 'User', id: event.payload.userId };
      default:
        return null;
    }
  });
