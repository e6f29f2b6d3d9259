import { DateTime, isSignedIn, notFound, recordEvent, unauthenticated } from '@switchboard/core';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { parseUploadInput } from './mediaInput.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    async media(_source, { id }, ctx) {
      if (!isSignedIn(ctx.identity)) throw unauthenticated();
      // Someone else's media and media that does not exist look the same.
      const media = await ctx.media.load(id);
      if (!media) throw notFound('Media');
      return media;
    },
  },
  Mutation: {
    async createUpload(_source, { input }, ctx) {
      const ownerId = ctx.identity.userId;
      if (!ownerId) throw unauthenticated();
      const data = parseUploadInput(input);
      const media = await ctx.db.$transaction(async (tx) => {
        const created = await tx.media.create({ data: { ...data, ownerId } });
        await recordEvent(tx, 'MediaCreated', { mediaId: created.id, ownerId });
        return created;
      });
      ctx.media.prime(media.id, media);
      return { uploadUrl: ctx.urls.upload(media.id), media };
    },
  },
  Media: {
    // Reached through User.avatar and Message.attachments: the same rule as Query.media, batched.
    __resolveReference: (reference, ctx) => ctx.media.load(reference.id),
    url: (media, _args, ctx) => (media.storageKey ? ctx.urls.original(media.id) : null),
    thumbnailUrl: (media, _args, ctx) => (media.thumbnailKey ? ctx.urls.thumbnail(media.id) : null),
  },
};
