/**
 * JSON Schema (as `z.toJSONSchema` emits it, draft 2020-12) to the subset a
 * CustomResourceDefinition accepts: a Kubernetes *structural schema*
 * (OpenAPI v3.0 flavoured: `nullable`, boolean `exclusiveMinimum`, a `type`
 * on every node, no `$ref`, no `additionalProperties: false`). Anything the
 * apiserver could not enforce is an error here rather than silently dropped,
 * so a generated CRD is never looser than its zod schema says.
 *
 * Kubernetes-only extensions travel in zod's `.meta()` under
 * {@link KUBERNETES_META_KEY} (see {@link kubernetes}) and come out as the
 * `x-kubernetes-*` keys.
 */

/** A JSON Schema node, loosely typed (what `z.toJSONSchema` returns). */
export type JsonSchema = Record<string, unknown>;

/** One CEL rule (`x-kubernetes-validations`). */
export interface CelValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
}

/** Kubernetes extensions of one schema node; each becomes its `x-kubernetes-*` key. */
export interface KubernetesExtensions {
  /** Keep fields the schema does not list (free-form JSON such as papermill parameters). */
  preserveUnknownFields?: true;
  intOrString?: true;
  embeddedResource?: true;
  /** Server-side apply merge semantics of a list; `map` needs {@link listMapKeys}. */
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  mapType?: 'atomic' | 'granular';
  validations?: CelValidationRule[];
}

/** The `.meta()` key that carries {@link KubernetesExtensions}; `x-` keeps OpenAPI output valid. */
export const KUBERNETES_META_KEY = 'x-turing-kubernetes';

/** `.meta({ ...kubernetes({ preserveUnknownFields: true }) })`: Kubernetes extensions for one node. */
export function kubernetes(extensions: KubernetesExtensions): {
  [KUBERNETES_META_KEY]: KubernetesExtensions;
} {
  return { [KUBERNETES_META_KEY]: extensions };
}

const EXTENSION_KEYS: Record<keyof KubernetesExtensions, string> = {
  preserveUnknownFields: 'x-kubernetes-preserve-unknown-fields',
  intOrString: 'x-kubernetes-int-or-string',
  embeddedResource: 'x-kubernetes-embedded-resource',
  listType: 'x-kubernetes-list-type',
  listMapKeys: 'x-kubernetes-list-map-keys',
  mapType: 'x-kubernetes-map-type',
  validations: 'x-kubernetes-validations',
};

/** Size and shape bounds, spelled the same in JSON Schema and a CRD's schema. */
const SIZE_BOUNDS = [
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
];

/** Output key order: documentation first, then the type, bounds, children, extensions. */
const KEY_ORDER = [
  'description',
  'type',
  'format',
  'nullable',
  'enum',
  'default',
  'example',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  ...SIZE_BOUNDS,
  'required',
  'properties',
  'additionalProperties',
  'items',
  ...Object.values(EXTENSION_KEYS),
];

/** Annotations with no meaning to the apiserver. */
const DROPPED_KEYS = new Set([
  '$schema',
  '$id',
  '$comment',
  'id',
  'title',
  'readOnly',
  'writeOnly',
  'deprecated',
]);

/** Kept as they are: plain value checks both dialects spell the same way. */
const COPIED_KEYS = new Set([
  'description',
  'default',
  'example',
  'minimum',
  'maximum',
  ...SIZE_BOUNDS,
  'enum',
]);

/**
 * Formats the apiserver validates itself. zod also emits its own ECMAScript
 * `pattern` for them; that is dropped in favour of the format check.
 */
const KUBERNETES_FORMATS = new Set([
  'date-time',
  'date',
  'email',
  'uuid',
  'hostname',
  'ipv4',
  'ipv6',
  'uri',
  'byte',
]);

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/** Thrown for a schema a CRD cannot express; `path` names the node (`.spec.alerts[]`). */
export class StructuralSchemaError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path || '(root)'}: ${problem}`);
    this.name = 'StructuralSchemaError';
  }
}

/** Converts one JSON Schema (and its children) to a Kubernetes structural schema. */
export function toStructuralSchema(schema: JsonSchema, path = ''): JsonSchema {
  const fail = (problem: string): never => {
    throw new StructuralSchemaError(path, problem);
  };
  const node = unwrapNullable(schema, fail);
  const out: JsonSchema = {};
  const extensions = (node[KUBERNETES_META_KEY] ?? {}) as KubernetesExtensions;

  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key) || key === KUBERNETES_META_KEY) continue;
    if (COPIED_KEYS.has(key)) out[key] = value;
    else if (key.startsWith('x-kubernetes-')) out[key] = value;
    else if (key === 'type') out.type = value;
    else if (key === 'nullable') out.nullable = value;
    else if (key === 'const') out.enum = [value];
    else if (key === 'format') {
      if (typeof value !== 'string' || !KUBERNETES_FORMATS.has(value)) {
        fail(`unsupported format ${String(value)}`);
      }
      out.format = value;
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      // 2020-12 gives the bound itself; OpenAPI v3.0 a flag on minimum/maximum.
      if (typeof value === 'boolean') out[key] = value;
      else {
        out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
        out[key] = true;
      }
    } else if (key === 'required') {
      if (Array.isArray(value) && value.length > 0) out.required = value;
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, child]) => [
          name,
          toStructuralSchema(child, `${path}.${name}`),
        ]),
      );
    } else if (key === 'additionalProperties') {
      const child = additionalProperties(value, node, extensions, fail);
      if (child) out.additionalProperties = toStructuralSchema(child, `${path}.*`);
    } else if (key === 'propertyNames') {
      // Map keys are strings anyway; any further constraint could not be enforced.
      if (!isPlainString(value)) fail('constraints on map keys (propertyNames) are not supported');
    } else if (key === 'items') {
      if (Array.isArray(value) || typeof value !== 'object' || value === null) {
        fail('tuples are not supported');
      }
      out.items = toStructuralSchema(value as JsonSchema, `${path}[]`);
    } else if (key === 'uniqueItems') {
      if (value === true) fail('uniqueItems is not allowed; use kubernetes({ listType: "set" })');
    } else {
      fail(`"${key}" cannot be expressed in a structural schema`);
    }
  }

  for (const [name, key] of Object.entries(EXTENSION_KEYS)) {
    const value = extensions[name as keyof KubernetesExtensions];
    if (value !== undefined) out[key] = value;
  }
  if (out.format && KUBERNETES_FORMATS.has(out.format as string)) delete out.pattern;
  if (out.type === 'integer') dropSafeIntegerBounds(out);
  if (out.type === undefined && !extensions.preserveUnknownFields && !extensions.intOrString) {
    fail('every node needs a type (or kubernetes({ preserveUnknownFields: true }))');
  }
  if (out.type !== undefined && !TYPES.has(out.type as string)) fail(`unsupported type ${String(out.type)}`);
  if (out.type === 'array' && !out.items) fail('arrays need an item schema');
  return ordered(out);
}

/** `anyOf: [X, {type: null}]` and `type: [T, 'null']` become X / T with `nullable: true`. */
function unwrapNullable(schema: JsonSchema, fail: (problem: string) => never): JsonSchema {
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t) => t !== 'null');
    if (types.length !== 1 || schema.type.length !== 2)
      fail(`unions of types (${schema.type.join(', ')}) are not supported, only nullable`);
    return { ...schema, type: types[0], nullable: true };
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives === undefined) return schema;
  const list = alternatives as JsonSchema[];
  const rest = list.filter((s) => s.type !== 'null');
  if (list.length !== 2 || rest.length !== 1) fail('unions (anyOf/oneOf) are not supported, only nullable');
  const { anyOf: _a, oneOf: _o, ...outer } = schema;
  // Documentation and defaults may sit on the wrapper; the alternative holds the type.
  return { ...rest[0], ...outer, nullable: true };
}

/**
 * `additionalProperties`: `false` (zod strict objects) is dropped, as the
 * apiserver prunes unknown fields instead; `{}` (unknown values) is only
 * possible with preserveUnknownFields; a schema makes the node a map.
 */
function additionalProperties(
  value: unknown,
  node: JsonSchema,
  extensions: KubernetesExtensions,
  fail: (problem: string) => never,
): JsonSchema | undefined {
  if (value === false) return undefined;
  if (typeof value !== 'object' || value === null)
    return fail('additionalProperties must be a schema or false');
  if (Object.keys(value).length === 0) {
    if (!extensions.preserveUnknownFields) {
      fail('free-form values need kubernetes({ preserveUnknownFields: true })');
    }
    return undefined;
  }
  if (node.properties && Object.keys(node.properties).length > 0) {
    fail('properties and additionalProperties cannot be combined');
  }
  return value as JsonSchema;
}

function isPlainString(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    (value as JsonSchema).type === 'string'
  );
}

/** zod's `.int()` adds ±Number.MAX_SAFE_INTEGER; Kubernetes integers are int64, so they say nothing. */
function dropSafeIntegerBounds(out: JsonSchema): void {
  if (out.minimum === Number.MIN_SAFE_INTEGER && !out.exclusiveMinimum) delete out.minimum;
  if (out.maximum === Number.MAX_SAFE_INTEGER && !out.exclusiveMaximum) delete out.maximum;
}

function ordered(out: JsonSchema): JsonSchema {
  const rank = (key: string) => {
    const index = KEY_ORDER.indexOf(key);
    return index < 0 ? KEY_ORDER.length : index;
  };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => rank(a) - rank(b)));
}
