/**
 * A User as the gateway hands it to presence: its key, plus lastSeenVisibility from users when a
 * field `@requires` it.
 */
export interface UserRepresentation {
  id: string;
  lastSeenVisibility?: 'EVERYONE' | 'NOBODY';
}
