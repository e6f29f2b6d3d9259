import { isSignedIn, notFound, recordEvent, unauthenticated } from '@switchboard/core';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { MediaContext } from './context.ts';
import type { Media } from './generated/prisma/client.ts';
import { parseUploadInput, type UploadInput } from './mediaInput.ts';
import { DateTime } from '@switchboard/core';

export const resolvers: GraphQLResolverMap<MediaContext> = {
  DateTime,
  Query: {
    async media(_source, { id }: { id: string }, ctx: MediaContext) {
      if (!isSignedIn(ctx.identity)) throw unauthenticated();
      // Someone else's media and media that does not exist look the same.
      const media = await ctx.media.load(id);
      if (!media) throw notFound('Media');
      return media;
    },
  },
  Mutation: {
    async createUpload(_source, { input }: { input: UploadInput }, ctx: MediaContext) {
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
    __resolveReference: (reference: { id: string }, ctx: MediaContext) => ctx.media.load(reference.id),
    url: (media: Media, _args, ctx: MediaContext) => (media.storageKey ? ctx.urls.original(media.id) : null),
    thumbnailUrl: (media: Media, _args, ctx: MediaContext) =>
      media.thumbnailKey ? ctx.urls.thumbnail(media.id) : null,
  },
};
