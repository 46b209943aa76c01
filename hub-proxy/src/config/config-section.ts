import type { z } from 'zod';

/**
 * The config keys one feature owns: their zod fields (validated together
 * with the shared ones, once, at start) and the environment variables that
 * set them. Field names are top-level keys of the `TURING_CONFIG` file.
 */
export interface ConfigSection<Shape extends z.ZodRawShape = z.ZodRawShape> {
  fields: Shape;
  /** Variables per field, strongest first. */
  env?: { [K in keyof Shape]?: string[] };
  /** Variables for fields of an object-valued field: field -> sub-field -> variable. */
  nestedEnv?: { [K in keyof Shape]?: Record<string, string> };
}

/** Merges sections; a key owned twice is a programming error. */
export function mergeConfigSections(sections: readonly ConfigSection[]): ConfigSection {
  const merged: Required<ConfigSection> = { fields: {}, env: {}, nestedEnv: {} };
  for (const section of sections) {
    for (const key of Object.keys(section.fields)) {
      if (key in merged.fields) throw new Error(`config key "${key}" is owned by two features`);
    }
    Object.assign(merged.fields, section.fields);
    Object.assign(merged.env, section.env);
    Object.assign(merged.nestedEnv, section.nestedEnv);
  }
  return merged;
}
