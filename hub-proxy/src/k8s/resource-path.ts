/** Identifies a resource type on the API server, e.g. `{ version: 'v1', plural: 'configmaps' }`. */
export interface ResourceType {
  /** API group; empty or absent for the core group. */
  group?: string;
  version: string;
  /** Lower-case plural as in the URL, e.g. `notebookjobs`. */
  plural: string;
}

/** The collection URL path of a resource, namespaced when `namespace` is given. */
export function resourcePath(type: ResourceType, namespace?: string): string {
  const prefix = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${prefix}${scope}/${type.plural}`;
}

/** A short label for logs and metrics: `configmaps`, `notebookjobs.turing.dev`. */
export function resourceLabel(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}
