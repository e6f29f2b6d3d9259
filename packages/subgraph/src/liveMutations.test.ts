import type { GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { withLiveMutations } from './liveMutations.ts';

function context() {
  const steps: string[] = [];
  return {
    steps,
    live: {
      flush: async () => void steps.push('flush'),
      discard: () => void steps.push('discard'),
    },
  };
}
type Context = ReturnType<typeof context>;
const info = {} as GraphQLResolveInfo;

describe('withLiveMutations', () => {
  const mutations = withLiveMutations<Context, Record<string, (...args: unknown[]) => unknown>>(
    {
      works: (_s, _a, ctx) => ((ctx as Context).steps.push('resolve'), 'done'),
      fails: (_s, _a, ctx) => {
        (ctx as Context).steps.push('resolve');
        throw new Error('refused');
      },
    },
    {
      before: (ctx) => void ctx.steps.push('before'),
      after: (ctx) => void ctx.steps.push('after'),
    },
  );

  it('publishes what a mutation queued once it succeeded', async () => {
    const ctx = context();
    expect(await mutations['works']!(undefined, {}, ctx, info)).toBe('done');
    expect(ctx.steps).toEqual(['before', 'resolve', 'flush', 'discard', 'after']);
  });

  it('drops what a failed mutation queued, and still runs `after`', async () => {
    const ctx = context();
    await expect(mutations['fails']!(undefined, {}, ctx, info)).rejects.toThrow('refused');
    expect(ctx.steps).toEqual(['before', 'resolve', 'discard', 'after']);
  });

  it('runs nothing when `before` refuses', async () => {
    const ctx = context();
    const refusing = withLiveMutations<Context, Record<string, () => unknown>>(
      { works: () => ctx.steps.push('resolve') },
      {
        before: () => {
          throw new Error('no user');
        },
      },
    );
    await expect(async () => refusing['works']!()).rejects.toThrow('no user');
    expect(ctx.steps).toEqual([]);
  });
});
