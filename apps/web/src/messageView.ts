import { h } from './dom.ts';
import type { Media, Message, MessageStatus } from './types.ts';

const STATUS_LABEL: Record<MessageStatus, string> = {
  SENT: '✓ Sent',
  DELIVERED: '✓✓ Delivered',
  READ: '✓✓ Read',
};

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** An attachment: its thumbnail once processed (READY), until then what it is waiting for. */
function attachmentView(media: Media): HTMLElement {
  if (media.status === 'READY' && media.thumbnailUrl)
    return h(
      'a',
      { class: 'attachment', href: media.url, target: '_blank', rel: 'noopener' },
      h('img', {
        src: media.thumbnailUrl,
        alt: 'Image attachment',
        'data-testid': 'attachment-thumbnail',
      }),
    );
  if (media.status === 'READY' && media.url)
    return h('a', { class: 'attachment', href: media.url, download: true }, `Download (${media.mimeType})`);
  return h(
    'span',
    { class: 'attachment pending', 'data-testid': 'attachment-pending', 'data-status': media.status },
    media.status === 'FAILED' ? 'Could not process this file' : 'Processing…',
  );
}

/** One message; the sender's own ones carry their status (✓ SENT, ✓✓ DELIVERED, READ). */
export function messageView(message: Message, mine: boolean): HTMLElement {
  return h(
    'li',
    {
      class: mine ? 'message mine' : 'message',
      'data-testid': 'message',
      'data-message-id': message.id,
      'data-seq': message.seq,
    },
    !mine && h('span', { class: 'sender' }, message.sender.displayName),
    message.deletedAt
      ? h('p', { class: 'body deleted', 'data-testid': 'message-body' }, 'This message was deleted')
      : message.body !== null && h('p', { class: 'body', 'data-testid': 'message-body' }, message.body),
    ...message.attachments.map(attachmentView),
    message.reactions.length > 0 &&
      h('span', { class: 'reactions' }, message.reactions.map((r) => `${r.emoji} ${r.count}`).join(' ')),
    h(
      'span',
      { class: 'meta' },
      time(message.createdAt),
      message.editedAt && !message.deletedAt && ' · edited',
      mine &&
        h(
          'span',
          {
            class: `status ${message.status.toLowerCase()}`,
            title: message.status,
            'data-testid': 'message-status',
            'data-status': message.status,
          },
          STATUS_LABEL[message.status],
        ),
    ),
  );
}
