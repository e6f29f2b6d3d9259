const isFieldMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * Merges the resolver maps of a subgraph's concerns (type name -> field name -> resolver) into
 * one. A field, or a scalar, that two maps define is a bug rather than an override: it throws,
 * naming it, when the server is built.
 */
export function mergeResolvers<TResolvers extends object>(maps: readonly TResolvers[]): TResolvers {
  const merged: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [typeName, value] of Object.entries(map)) {
      const target = merged[typeName];
      // A scalar (GraphQLScalarType) is one value, not a map of fields.
      if (!isFieldMap(value) || (target !== undefined && !isFieldMap(target))) {
        if (target !== undefined) throw new Error(`Resolver ${typeName} is defined twice`);
        merged[typeName] = value;
        continue;
      }
      const fields: Record<string, unknown> = target ?? {};
      for (const [field, resolver] of Object.entries(value)) {
        if (field in fields) throw new Error(`Resolver ${typeName}.${field} is defined twice`);
        fields[field] = resolver;
      }
      merged[typeName] = fields;
    }
  }
  return merged as TResolvers;
}
