import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { kubernetes } from './crd-schema.js';
import { customResourceDefinition, objectMetaSchema, renderCrdYaml, resourceSchema } from './crd.js';

const widgetSchema = z
  .object({
    apiVersion: z.literal('example.dev/v1'),
    kind: z.literal('Widget'),
    metadata: objectMetaSchema,
    spec: z.object({ on: z.array(z.enum(['True', 'False'])), size: z.number().int().min(1) }),
    status: z.object({ at: z.iso.datetime().optional() }).optional(),
  })
  .meta(kubernetes({ validations: [{ rule: 'size(self.metadata.name) <= 20' }] }));

const options = {
  group: 'example.dev',
  names: { kind: 'Widget', plural: 'widgets', shortNames: ['wd'] },
  versions: [
    {
      name: 'v1',
      schema: widgetSchema,
      statusSubresource: true,
      printerColumns: [
        { name: 'Size', type: 'integer' as const, jsonPath: '.spec.size' },
        { name: 'At', type: 'date' as const, jsonPath: '.status.at' },
      ],
    },
  ],
};

describe('resourceSchema', () => {
  it('stubs apiVersion, kind and metadata and requires only what the resource adds', () => {
    const schema = resourceSchema(widgetSchema);
    expect(schema.properties).toMatchObject({
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
    });
    expect(schema.required).toEqual(['spec']);
    expect(schema['x-kubernetes-validations']).toEqual([{ rule: 'size(self.metadata.name) <= 20' }]);
  });
});

describe('customResourceDefinition', () => {
  it('fills in names, versions, the status subresource and printer columns', () => {
    const crd = customResourceDefinition(options) as { metadata: unknown; spec: Record<string, unknown> };
    expect(crd.metadata).toEqual({ name: 'widgets.example.dev' });
    expect(crd.spec).toMatchObject({
      group: 'example.dev',
      scope: 'Namespaced',
      names: {
        kind: 'Widget',
        listKind: 'WidgetList',
        plural: 'widgets',
        singular: 'widget',
        shortNames: ['wd'],
      },
      versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} } }],
    });
  });

  it('rejects a printer column whose path or type does not match the schema', () => {
    const column = (jsonPath: string, type: 'string' | 'date') => ({
      ...options,
      versions: options.versions.map((v) => ({ ...v, printerColumns: [{ name: 'X', type, jsonPath }] })),
    });
    expect(() => customResourceDefinition(column('.spec.sise', 'string'))).toThrow(
      /no field at \.spec\.sise/,
    );
    expect(() => customResourceDefinition(column('.spec.size', 'string'))).toThrow(/not of type string/);
    expect(() => customResourceDefinition(column('.spec.size', 'date'))).toThrow(/not of type date/);
  });
});

describe('renderCrdYaml', () => {
  it('puts the header first and quotes what YAML 1.1 (kubectl) would read as booleans', () => {
    const text = renderCrdYaml(customResourceDefinition(options), ['Generated.', '', 'Widgets.']);
    expect(text.startsWith('# Generated.\n#\n# Widgets.\napiVersion: apiextensions.k8s.io/v1\n')).toBe(true);
    expect(text).toContain('"on":');
    expect(text).toContain('- "True"');
    const reparsed = parse(text, { version: '1.1' }) as Record<string, unknown>;
    expect(reparsed).toEqual(customResourceDefinition(options));
  });
});
