import { mergeResolvers } from '@switchboard/subgraph';
import { authResolvers } from './auth.ts';
import { blockResolvers } from './blocks.ts';
import { deviceResolvers } from './devices.ts';
import { keyResolvers } from './keys.ts';
import { profileResolvers } from './profile.ts';
import { pushResolvers } from './push.ts';

export const resolvers = mergeResolvers([
  authResolvers,
  deviceResolvers,
  profileResolvers,
  blockResolvers,
  keyResolvers,
  pushResolvers,
]);
