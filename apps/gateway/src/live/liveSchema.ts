import { baseType, type FieldDefinition, type ObjectType, type Schema } from '@apollo/federation-internals';

/**
 * The live directives (https://switchboard.dev/live), declared by each subgraph in its own SDL and
 * composed into the supergraph with @composeDirective. The gateway reads them here and runs any
 * Subscription field that carries them; it knows nothing of what the fields mean. See
 * docs/live-subscriptions.md for the directive set with an example.
 */
export const LIVE_SPEC = 'https://switchboard.dev/live';

/** `board:{boardId}`: literal text and placeholders (a field argument, `viewer` or `device`). */
export interface ChannelTemplate {
  source: string;
  parts: (string | { name: string })[];
  /** The placeholder, when the template has one that is a field argument. */
  argument?: string;
  /**
   * The placeholder that stands for the key followed: the field argument, or else the subscriber's
   * own (`device`, then `viewer`) for a channel per subscriber; none for a fixed channel. The
   * gateway's replay, caught-up and head queries name their key argument after it.
   */
  keyName?: string;
}

/** Placeholders the subscriber fills: `{viewer}` its user, `{device}` its device. */
export type Subscriber = { viewer: string; device?: string };

const isSubscriberPlaceholder = (name: string) => name === 'viewer' || name === 'device';

export interface LiveField {
  /** The Subscription field, e.g. `messageAdded`. */
  field: string;
  channel: ChannelTemplate;
  /** Live event types that become payloads. */
  events: ReadonlySet<string>;
  /** A Query field answering the channel keys the subscriber may follow (or refusing). */
  access?: QueryCall;
  /**
   * A Query field answering payloads the subscriber is owed when it subscribes (a call still
   * ringing), delivered before any live event.
   */
  initial?: QueryCall;
  /** Where `liveAccess` events tell a subscriber it gained or lost a channel. */
  revokedOn?: ChannelTemplate;
  replay?: {
    /** The subscription's argument to resume after (e.g. `afterSeq`). */
    cursor: string;
    /** The event and payload field numbering events 1, 2, 3... per channel (e.g. `seq`). */
    orderBy: string;
    /** A Query field: (key, cursor, first) -> the payloads after the cursor, oldest first. */
    field: string;
    /** The key argument of that field (and of `caughtUp`): the channel template's `keyName`. */
    key: string;
    /** Type of the key and cursor arguments of that field, for the operation's variables. */
    keyType: string;
    cursorType: string;
    /**
     * The subscription's cursor is not an Int: opaque to the gateway, it goes to `access`, whose
     * `after` says where each key resumes.
     */
    opaque: boolean;
    /**
     * A Query field (key, cursor, backlog) -> one payload, sent once a key's first catch-up is
     * drained: where it ended and how many stored payloads it delivered.
     */
    caughtUp?: { field: string; keyType: string; cursorType: string };
  };
}

/** A Query field the gateway calls with the Subscription field's arguments of the same names. */
export interface QueryCall {
  field: string;
  arguments: { name: string; type: string }[];
  /**
   * An access field answering objects `{ key, after }` rather than keys: `after` is where the
   * key's channel stands in its order now, so a follower knows what is owed from the start.
   */
  withOrder?: boolean;
  /**
   * Its objects answer `version`: the version of the key's access at the grant (with or without
   * `after`). An event carrying a higher `accessVersion` makes the gateway ask again before
   * delivering it.
   */
  withVersion?: boolean;
}

/** A field the gateway may cache per entity until its owner says the entity changed (`@cached`). */
export interface CachedField {
  /** Longest a cached value is used, in seconds (a backstop: invalidation is by event). */
  maxAge: number;
  /** Cached per caller (its access is checked per caller), never shared between callers. */
  perCaller: boolean;
}

export interface LiveSchema {
  fields: Map<string, LiveField>;
  /** `Type.field` coordinates of fields whose value depends on who asks (`@viewer`). */
  viewerFields: ReadonlySet<string>;
  /** `Type.field` -> how it may be cached (`@cached`). */
  cachedFields: Map<string, CachedField>;
}

export function parseChannelTemplate(source: string): ChannelTemplate {
  const parts: ChannelTemplate['parts'] = [];
  const pattern = /\{(\w+)\}/g;
  let last = 0;
  for (const match of source.matchAll(pattern)) {
    if (match.index > last) parts.push(source.slice(last, match.index));
    parts.push({ name: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  const names = parts.flatMap((part) => (typeof part === 'string' ? [] : [part.name]));
  const argument = names.find((name) => !isSubscriberPlaceholder(name));
  const keyName = argument ?? ['device', 'viewer'].find((name) => names.includes(name));
  return { source, parts, ...(argument ? { argument } : {}), ...(keyName ? { keyName } : {}) };
}

/** Whether the template names the placeholder (e.g. `device`). */
export const hasPlaceholder = (template: ChannelTemplate, name: string): boolean =>
  template.parts.some((part) => typeof part !== 'string' && part.name === name);

/** The channel for one value of the template's placeholders. */
export function channelOf(template: ChannelTemplate, values: Record<string, string | undefined>): string {
  return template.parts.map((part) => (typeof part === 'string' ? part : values[part.name])).join('');
}

/**
 * The key a channel of this template stands for (its `keyName` placeholder's value), or null when
 * the channel is not one of its for this subscriber.
 */
export function keyOf(template: ChannelTemplate, channel: string, subscriber: Subscriber): string | null {
  let rest = channel;
  let key: string | null = null;
  for (const [index, part] of template.parts.entries()) {
    if (typeof part === 'string') {
      if (!rest.startsWith(part)) return null;
      rest = rest.slice(part.length);
    } else if (part.name !== template.keyName && isSubscriberPlaceholder(part.name)) {
      const own = subscriber[part.name as keyof Subscriber];
      if (own === undefined || !rest.startsWith(own)) return null;
      rest = rest.slice(own.length);
    } else {
      const next = template.parts[index + 1];
      const end = typeof next === 'string' ? rest.indexOf(next) : rest.length;
      if (end <= 0) return null;
      key = rest.slice(0, end);
      rest = rest.slice(end);
    }
  }
  return rest === '' ? key : null;
}

function directiveName(schema: Schema, name: string): string | undefined {
  const feature = schema.coreFeatures?.getByIdentity(LIVE_SPEC);
  return feature?.directiveNameInSchema(name);
}

function argumentsOf(
  field: FieldDefinition<ObjectType>,
  name: string | undefined,
): Record<string, unknown>[] {
  if (!name) return [];
  return field.appliedDirectivesOf(name).map((directive) => directive.arguments() as Record<string, unknown>);
}

/**
 * Reads the live directives from the supergraph, and checks they make sense (every field they name
 * exists with the arguments it needs) so a mistake fails at start, naming the field.
 */
export function readLiveSchema(schema: Schema): LiveSchema {
  const names = {
    live: directiveName(schema, 'live'),
    replay: directiveName(schema, 'liveReplay'),
    viewer: directiveName(schema, 'viewer'),
    cached: directiveName(schema, 'cached'),
  };
  const query = schema.schemaDefinition.rootType('query');
  const fields = new Map<string, LiveField>();
  const problem = (field: string, message: string) =>
    new Error(`Supergraph: Subscription.${field}: ${message}`);

  for (const field of schema.schemaDefinition.rootType('subscription')?.fields() ?? []) {
    const [live] = argumentsOf(field, names.live);
    if (!live) continue;
    const channel = parseChannelTemplate(String(live['channel']));
    const argumentNames = new Set(field.arguments().map((argument) => argument.name));
    for (const part of channel.parts)
      if (typeof part !== 'string' && !isSubscriberPlaceholder(part.name) && !argumentNames.has(part.name))
        throw problem(field.name, `@live channel names {${part.name}}, which is not an argument`);
    const spec: LiveField = {
      field: field.name,
      channel,
      events: new Set((live['events'] as string[] | undefined) ?? [field.name]),
    };
    const queryCall = (role: 'access' | 'initial'): QueryCall | undefined => {
      if (!live[role]) return undefined;
      const target = query?.field(String(live[role]));
      if (!target) throw problem(field.name, `@live ${role} names Query.${live[role]}, which does not exist`);
      return {
        field: target.name,
        arguments: target
          .arguments()
          .filter((argument) => argumentNames.has(argument.name))
          .map((argument) => ({ name: argument.name, type: argument.type!.toString() })),
      };
    };
    const access = queryCall('access');
    if (access) {
      const type = query?.field(access.field)?.type;
      const named = type && baseType(type);
      if (named && named.kind === 'ObjectType') {
        if (!named.field('key') || !(named.field('after') || named.field('version')))
          throw problem(
            field.name,
            `@live access Query.${access.field} answers ${named.name}, which needs key and after (or version)`,
          );
        if (named.field('after')) access.withOrder = true;
        if (named.field('version')) access.withVersion = true;
      }
      spec.access = access;
    }
    const initial = queryCall('initial');
    if (initial) spec.initial = initial;
    if (live['revokedOn']) {
      spec.revokedOn = parseChannelTemplate(String(live['revokedOn']));
      if (spec.revokedOn.argument)
        throw problem(field.name, '@live revokedOn may only name {viewer} and {device}');
    }
    const [replay] = argumentsOf(field, names.replay);
    if (replay) {
      const cursor = String(replay['cursor']);
      const replayField = query?.field(String(replay['query']));
      if (!replayField)
        throw problem(field.name, `@liveReplay query names Query.${replay['query']}, which does not exist`);
      const key = channel.keyName;
      const keyArgument = key ? replayField.argument(key) : undefined;
      const cursorArgument = replayField.argument(cursor);
      const subscriptionCursor = field.argument(cursor);
      if (!keyArgument || !cursorArgument || !replayField.argument('first') || !subscriptionCursor)
        throw problem(
          field.name,
          `@liveReplay needs the argument ${cursor} here and Query.${replayField.name}(${key ?? '?'}, ${cursor}, first)`,
        );
      const opaque = baseType(subscriptionCursor.type!).name !== 'Int';
      // An opaque cursor means nothing to the gateway: access reads it and answers where to start.
      if (opaque && !(spec.access?.withOrder && spec.access.arguments.some(({ name }) => name === cursor)))
        throw problem(
          field.name,
          `@liveReplay cursor ${cursor} is not an Int: @live access must take ${cursor} and answer { key after }`,
        );
      spec.replay = {
        cursor,
        orderBy: String(replay['orderBy']),
        field: replayField.name,
        key: key!,
        keyType: keyArgument.type!.toString(),
        cursorType: cursorArgument.type!.toString(),
        opaque,
      };
      if (replay['caughtUp']) {
        const caughtUp = query?.field(String(replay['caughtUp']));
        if (!caughtUp)
          throw problem(
            field.name,
            `@liveReplay caughtUp names Query.${replay['caughtUp']}, which does not exist`,
          );
        const [keyArg, cursorArg] = [caughtUp.argument(key!), caughtUp.argument(cursor)];
        if (!keyArg || !cursorArg || !caughtUp.argument('backlog'))
          throw problem(field.name, `@liveReplay needs Query.${caughtUp.name}(${key}, ${cursor}, backlog)`);
        if (baseType(caughtUp.type!).name !== baseType(field.type!).name)
          throw problem(
            field.name,
            `@liveReplay caughtUp Query.${caughtUp.name} must answer ${baseType(field.type!).name}`,
          );
        // It reports where a catch-up ended, so every key needs a start: where access said it stood.
        if (!spec.access?.withOrder)
          throw problem(field.name, '@liveReplay caughtUp needs @live access answering { key after }');
        spec.replay.caughtUp = {
          field: caughtUp.name,
          keyType: keyArg.type!.toString(),
          cursorType: cursorArg.type!.toString(),
        };
      }
      if (spec.initial) throw problem(field.name, '@live initial cannot be used with @liveReplay');
    }
    fields.set(field.name, spec);
  }

  const viewerFields = new Set<string>();
  const cachedFields = new Map<string, CachedField>();
  for (const type of schema.types()) {
    if (type.kind !== 'ObjectType' && type.kind !== 'InterfaceType') continue;
    for (const field of type.fields()) {
      const coordinate = `${type.name}.${field.name}`;
      if (names.viewer && field.appliedDirectivesOf(names.viewer).length > 0) {
        viewerFields.add(coordinate);
        continue; // a viewer-dependent field is never cached, whatever else it says
      }
      const cached = names.cached ? field.appliedDirectivesOf(names.cached)[0] : undefined;
      if (!cached) continue;
      const args = cached.arguments() as { maxAge?: number; perCaller?: boolean };
      cachedFields.set(coordinate, { maxAge: args.maxAge ?? 3600, perCaller: args.perCaller ?? false });
    }
  }
  return { fields, viewerFields, cachedFields };
}
