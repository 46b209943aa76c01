/** An sRGB color with alpha, channels 0–255, alpha 0–1. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

const NAMED: Record<string, Rgba> = {
  white: { r: 255, g: 255, b: 255, a: 1 },
  black: { r: 0, g: 0, b: 0, a: 1 },
  transparent: { r: 0, g: 0, b: 0, a: 0 },
};

/** Parses `#rgb`, `#rrggbb`, `rgb()`/`rgba()` and white/black/transparent; throws on anything else. */
export function parseColor(text: string): Rgba {
  const value = text.trim().toLowerCase();
  const named = NAMED[value];
  if (named) {
    return named;
  }
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(value)?.[1];
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
    return {
      r: parseInt(full.slice(0, 2), 16),
      g: parseInt(full.slice(2, 4), 16),
      b: parseInt(full.slice(4, 6), 16),
      a: 1,
    };
  }
  const fn = /^rgba?\(([^)]*)\)$/.exec(value)?.[1];
  if (fn) {
    const [r = NaN, g = NaN, b = NaN, a = 1] = fn
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    if ([r, g, b, a].every(Number.isFinite)) {
      return { r, g, b, a };
    }
  }
  throw new Error(`Not a color this checker understands: ${text}`);
}

/** `top` painted over an opaque `bottom` (source-over). */
export function composite(top: Rgba, bottom: Rgba): Rgba {
  const mix = (t: number, b: number): number => t * top.a + b * (1 - top.a);
  return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: 1 };
}

/** CSS `color-mix(in srgb, a p, b)`: premultiplied-alpha interpolation, as CSS Color 5 defines it. */
export function mixSrgb(a: Rgba, b: Rgba, weightOfA: number): Rgba {
  const wa = weightOfA;
  const wb = 1 - weightOfA;
  const alpha = a.a * wa + b.a * wb;
  if (alpha === 0) {
    return { r: 0, g: 0, b: 0, a: 0 };
  }
  const channel = (x: number, y: number): number => (x * a.a * wa + y * b.a * wb) / alpha;
  return { r: channel(a.r, b.r), g: channel(a.g, b.g), b: channel(a.b, b.b), a: alpha };
}

/** WCAG 2.1 relative luminance of an opaque color. */
export function relativeLuminance({ r, g, b }: Rgba): number {
  const linear = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/**
 * WCAG 2.1 contrast ratio (1–21) of text `foreground` on `background`; a
 * translucent foreground is first painted over the (opaque) background.
 */
export function contrastRatio(foreground: Rgba, background: Rgba): number {
  const fg = foreground.a < 1 ? composite(foreground, background) : foreground;
  const [hi, lo] = [relativeLuminance(fg), relativeLuminance(background)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (hi + 0.05) / (lo + 0.05);
}
