import type { Rgba } from './contrast';
import { mixSrgb, parseColor } from './contrast';

/** The custom properties (`--name: value`) declared in a stylesheet; the last declaration wins. */
export function parseCustomProperties(css: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const match of css.matchAll(/(--[\w-]+)\s*:\s*([^;}]+)/g)) {
    const [, name, value] = match;
    if (name && value) {
      properties.set(name, value.trim());
    }
  }
  return properties;
}

/** Splits at top-level commas (not inside parentheses). */
function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** The inside of `name(...)` when `text` is exactly one such call. */
function callArguments(text: string, name: string): string | null {
  const value = text.trim();
  if (!value.startsWith(`${name}(`) || !value.endsWith(')')) {
    return null;
  }
  return value.slice(name.length + 1, -1);
}

/**
 * Evaluates a CSS color value against a theme's custom properties: hex, rgb(a),
 * white/black, `var(--x[, fallback])` and `color-mix(in srgb, A [p%], B [q%])`.
 * Throws on an undefined variable or an unsupported form, so a test notices.
 */
export function resolveColor(value: string, theme: ReadonlyMap<string, string>): Rgba {
  const variable = callArguments(value, 'var');
  if (variable !== null) {
    const [name = '', fallback] = splitArguments(variable);
    const defined = theme.get(name);
    if (defined !== undefined) {
      return resolveColor(defined, theme);
    }
    if (fallback !== undefined) {
      return resolveColor(fallback, theme);
    }
    throw new Error(`Undefined variable ${name}`);
  }
  const mix = callArguments(value, 'color-mix');
  if (mix !== null) {
    const [space, first = '', second = ''] = splitArguments(mix);
    if (space !== 'in srgb') {
      throw new Error(`Unsupported color-mix space: ${space}`);
    }
    const parse = (part: string): { color: Rgba; weight: number | null } => {
      const weight = /\s(\d+(?:\.\d+)?)%$/.exec(part);
      const color = weight ? part.slice(0, weight.index) : part;
      return { color: resolveColor(color, theme), weight: weight ? Number(weight[1]) / 100 : null };
    };
    const a = parse(first);
    const b = parse(second);
    const wa = a.weight ?? (b.weight === null ? 0.5 : 1 - b.weight);
    const wb = b.weight ?? 1 - wa;
    return mixSrgb(a.color, b.color, wa / (wa + wb));
  }
  return parseColor(value);
}
