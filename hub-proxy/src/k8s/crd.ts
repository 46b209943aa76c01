import { z } from 'zod';
import { stringify } from 'yaml';
import { toStructuralSchema, type JsonSchema } from './crd-schema.js';

/**
 * Builds a CustomResourceDefinition from a zod schema of the whole resource
 * (`apiVersion`, `kind`, `metadata`, `spec`, `status`), so the types the code
 * uses and the validation the apiserver does come from one place. Features
 * declare their resources with {@link customResourceDefinition}; the
 * `npm run generate` script writes the YAML with {@link renderCrdYaml}.
 */

/** The ObjectMeta fields Turing reads or writes (the apiserver owns its schema; a CRD only says `object`). */
export const objectMetaSchema = z.object({
  name: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/**
 * The pattern Kubernetes itself publishes for `resource.Quantity` strings
 * ("500m", "2Gi"); for quantities kept as plain strings in a custom resource.
 */
export const KUBERNETES_QUANTITY_PATTERN = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** One `kubectl get` column. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** Simple JSON path into the object, e.g. `.spec.schedule.cron`. */
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** One served version of a custom resource. */
export interface CustomResourceVersion {
  name: string;
  /** Default true. */
  served?: boolean;
  /** Default true (there is one version so far). */
  storage?: boolean;
  /** The whole resource; its `apiVersion`, `kind` and `metadata` are replaced by the standard stubs. */
  schema: z.ZodType;
  /** Serve `status` as a subresource (writes to the main resource then ignore it). */
  statusSubresource?: boolean;
  printerColumns?: PrinterColumn[];
}

/** Everything a CRD says besides its schemas. */
export interface CustomResourceDefinitionOptions {
  group: string;
  scope?: 'Namespaced' | 'Cluster';
  names: {
    kind: string;
    plural: string;
    singular?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  labels?: Record<string, string>;
  versions: CustomResourceVersion[];
}

/** Fields the apiserver fills or checks itself; a CRD may not constrain them. */
const STANDARD_FIELDS: Record<string, JsonSchema> = {
  apiVersion: { type: 'string' },
  kind: { type: 'string' },
  metadata: { type: 'object' },
};

/** The `apiextensions.k8s.io/v1` CustomResourceDefinition object for `options`. */
export function customResourceDefinition(options: CustomResourceDefinitionOptions): JsonSchema {
  const { names } = options;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${names.plural}.${options.group}`,
      ...(options.labels ? { labels: options.labels } : {}),
    },
    spec: {
      group: options.group,
      scope: options.scope ?? 'Namespaced',
      names: {
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
        ...(names.categories ? { categories: names.categories } : {}),
      },
      versions: options.versions.map((version) => {
        const schema = resourceSchema(version.schema);
        for (const column of version.printerColumns ?? []) checkColumn(schema, column);
        return {
          name: version.name,
          served: version.served ?? true,
          storage: version.storage ?? true,
          ...(version.statusSubresource ? { subresources: { status: {} } } : {}),
          ...(version.printerColumns ? { additionalPrinterColumns: version.printerColumns } : {}),
          schema: { openAPIV3Schema: schema },
        };
      }),
    },
  };
}

/** The structural `openAPIV3Schema` of a whole resource. */
export function resourceSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    // The apiserver validates what clients send; fields with defaults are optional there.
    io: 'input',
    cycles: 'throw',
    reused: 'inline',
    unrepresentable: 'throw',
  }) as JsonSchema;
  const structural = toStructuralSchema(json);
  // Standard fields first, and always the stubs, whatever the zod schema says about them.
  const properties = { ...STANDARD_FIELDS, ...(structural.properties as Record<string, JsonSchema>) };
  Object.assign(properties, STANDARD_FIELDS);
  const required = ((structural.required as string[] | undefined) ?? []).filter(
    (f) => !(f in STANDARD_FIELDS),
  );
  const out: JsonSchema = { ...structural, properties };
  if (required.length > 0) out.required = required;
  else delete out.required;
  return out;
}

/** A column must name a field the schema has, of a matching type (a typo shows nothing, silently). */
function checkColumn(schema: JsonSchema, column: PrinterColumn): void {
  const steps = column.jsonPath.split('.').slice(1);
  if (steps[0] === 'metadata') return;
  let node: JsonSchema | undefined = schema;
  for (const step of steps) node = (node?.properties as Record<string, JsonSchema> | undefined)?.[step];
  if (!node) throw new Error(`printer column "${column.name}": no field at ${column.jsonPath}`);
  const type = column.type === 'date' ? 'string' : column.type;
  if (node.type !== type || (column.type === 'date' && node.format !== 'date-time')) {
    throw new Error(`printer column "${column.name}": ${column.jsonPath} is not of type ${column.type}`);
  }
}

/**
 * The CRD as YAML under a `#` comment header. YAML 1.1 quoting, because the
 * apiserver and kubectl parse YAML 1.1, where a bare `on` or `True` is a boolean.
 */
export function renderCrdYaml(crd: JsonSchema, header: readonly string[]): string {
  const comment = header.map((line) => (line ? `# ${line}` : '#')).join('\n');
  return `${comment}\n${stringify(crd, { version: '1.1', lineWidth: 0 })}`;
}
