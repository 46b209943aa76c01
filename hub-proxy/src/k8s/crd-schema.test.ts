import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StructuralSchemaError, kubernetes, toStructuralSchema } from './crd-schema.js';

/** What the CRD builder does: zod → JSON Schema (input side) → structural. */
const structural = (schema: z.ZodType) =>
  toStructuralSchema(
    z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>,
  );

describe('toStructuralSchema', () => {
  it('drops $schema and additionalProperties: false, keeps required, descriptions and defaults', () => {
    const schema = z
      .strictObject({
        name: z.string().min(1).max(10).meta({ description: 'The name.' }),
        flag: z.boolean().default(false),
      })
      .meta({ description: 'Top.' });
    expect(structural(schema)).toEqual({
      description: 'Top.',
      type: 'object',
      required: ['name'],
      properties: {
        name: { description: 'The name.', type: 'string', minLength: 1, maxLength: 10 },
        flag: { type: 'boolean', default: false },
      },
    });
  });

  it('keeps integer vs number and drops zod’s safe-integer bounds', () => {
    const result = structural(
      z.object({ count: z.number().int().min(0), any: z.int(), ratio: z.number().max(1) }),
    ) as { properties: Record<string, unknown> };
    expect(result.properties).toEqual({
      count: { type: 'integer', minimum: 0 },
      any: { type: 'integer' },
      ratio: { type: 'number', maximum: 1 },
    });
  });

  it('turns exclusive bounds, const and nullable into the OpenAPI v3.0 spellings', () => {
    const result = structural(
      z.object({
        positive: z.number().gt(0).lt(5),
        fixed: z.literal('v1'),
        note: z.string().nullable(),
        nested: z.object({ a: z.string() }).nullable().meta({ description: 'Maybe.' }),
      }),
    ) as { properties: Record<string, unknown> };
    expect(result.properties).toEqual({
      positive: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 5, exclusiveMaximum: true },
      fixed: { type: 'string', enum: ['v1'] },
      note: { type: 'string', nullable: true },
      nested: {
        description: 'Maybe.',
        type: 'object',
        nullable: true,
        required: ['a'],
        properties: { a: { type: 'string' } },
      },
    });
  });

  it('gives date-times format: date-time without zod’s ECMAScript pattern', () => {
    expect(structural(z.iso.datetime({ offset: true }))).toEqual({ type: 'string', format: 'date-time' });
  });

  it('keeps patterns, enums, array bounds and array defaults', () => {
    expect(
      structural(
        z
          .array(z.enum(['a', 'b']))
          .min(1)
          .max(2)
          .default(['a']),
      ),
    ).toEqual({
      type: 'array',
      default: ['a'],
      minItems: 1,
      maxItems: 2,
      items: { type: 'string', enum: ['a', 'b'] },
    });
    expect(structural(z.string().regex(/^[a-z]+$/))).toEqual({ type: 'string', pattern: '^[a-z]+$' });
  });

  it('translates kubernetes() meta into x-kubernetes-* keys', () => {
    const schema = z.object({
      params: z.record(z.string(), z.unknown()).meta(kubernetes({ preserveUnknownFields: true })),
      conditions: z
        .array(z.object({ type: z.string() }))
        .meta(kubernetes({ listType: 'map', listMapKeys: ['type'] })),
    });
    const result = structural(
      schema.meta(kubernetes({ validations: [{ rule: 'self.params != null', message: 'no' }] })),
    );
    expect(result).toMatchObject({
      'x-kubernetes-validations': [{ rule: 'self.params != null', message: 'no' }],
      properties: {
        params: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        conditions: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
        },
      },
    });
    expect(JSON.stringify(result)).not.toContain('x-turing-kubernetes');
    expect(JSON.stringify(result)).not.toContain('additionalProperties');
  });

  it('keeps typed maps as additionalProperties', () => {
    expect(structural(z.record(z.string(), z.string()))).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
  });

  it('lets a typeless node through only with preserveUnknownFields', () => {
    expect(
      structural(z.object({ v: z.unknown().meta(kubernetes({ preserveUnknownFields: true })) })),
    ).toEqual({
      type: 'object',
      required: ['v'],
      properties: { v: { 'x-kubernetes-preserve-unknown-fields': true } },
    });
    expect(() => structural(z.object({ v: z.unknown() }))).toThrow(/\.v: every node needs a type/);
  });

  it.each([
    [
      'free-form maps without preserveUnknownFields',
      z.record(z.string(), z.unknown()),
      /preserveUnknownFields/,
    ],
    ['unions', z.union([z.string(), z.number()]), /unions/],
    ['constrained map keys', z.record(z.string().regex(/^a/), z.string()), /propertyNames/],
    ['tuples', z.tuple([z.string(), z.number()]), /prefixItems|tuples/],
    ['formats the apiserver does not know', z.iso.duration(), /unsupported format duration/],
    ['recursive $refs', z.object({ a: z.string() }).meta({ $ref: '#/x' }), /"\$ref"/],
  ])('rejects %s instead of dropping the constraint', (_name, schema, message) => {
    expect(() => structural(schema)).toThrow(StructuralSchemaError);
    expect(() => structural(schema)).toThrow(message);
  });

  it('names the failing node by its path', () => {
    const schema = z.object({ spec: z.object({ items: z.array(z.union([z.string(), z.boolean()])) }) });
    expect(() => structural(schema)).toThrow('.spec.items[]: unions');
  });
});
