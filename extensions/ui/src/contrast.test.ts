import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { contrastRatio, mixSrgb, parseColor } from './testing/contrast';
import { parseCustomProperties, resolveColor } from './testing/theme-variables';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const themeFile = (name: string): string =>
  `${repo}.venv/share/jupyter/lab/themes/@jupyterlab/theme-${name}-extension/index.css`;
const styleFile = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../style/${name}`, import.meta.url)), 'utf8');
const baseCss = styleFile('base.css');
/** Every stylesheet of the package, as one text. */
const allCss = ['base.css', 'dialog.css', 'panel-lists.css', 'table.css'].map(styleFile).join('\n');

/** A declaration of the rule whose selector list is exactly `selector`. */
function declaration(selector: string, property: string): string {
  const start = allCss.indexOf(`\n${selector} {`);
  expect(start, `rule ${selector} in the styles`).toBeGreaterThanOrEqual(0);
  const body = allCss.slice(start, allCss.indexOf('}', start));
  const value = new RegExp(`[\\s;{]${property}:\\s*([^;]+);`).exec(body)?.[1];
  expect(value, `${property} of ${selector}`).toBeDefined();
  return (value ?? '').trim();
}

/** The theme's variables plus the ones base.css declares on :root. */
function theme(name: 'light' | 'dark'): Map<string, string> {
  const path = themeFile(name);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install JupyterLab into .venv (scripts/bootstrap.sh)`);
  }
  const variables = parseCustomProperties(readFileSync(path, 'utf8'));
  const root = /:root\s*{([^}]*)}/.exec(baseCss)?.[1] ?? '';
  for (const [key, value] of parseCustomProperties(root)) {
    variables.set(key, value);
  }
  return variables;
}

const LAYOUTS = ['--jp-layout-color0', '--jp-layout-color1', '--jp-layout-color2'];

/** Text of each selector, on each background it is shown on. */
const TEXT: Array<{ selector: string; on: string[] }> = [
  { selector: '.jp-Turing-Hint', on: LAYOUTS },
  { selector: '.jp-Turing-Warning', on: LAYOUTS },
  { selector: '.jp-Turing-FieldError', on: LAYOUTS },
  { selector: '.jp-Turing-Error-title', on: LAYOUTS },
  { selector: '.jp-Turing-Error-request', on: LAYOUTS },
  { selector: '.jp-Turing-StatusBadge-success', on: LAYOUTS },
  { selector: '.jp-Turing-StatusBadge-warn', on: LAYOUTS },
  { selector: '.jp-Turing-StatusBadge-error', on: LAYOUTS },
  { selector: '.jp-Turing-StatusBadge-active', on: LAYOUTS },
  { selector: '.jp-Turing-StatusBadge-muted', on: LAYOUTS },
  { selector: '.jp-Turing-Card-owner', on: LAYOUTS },
  { selector: '.jp-Turing-Card-name:hover', on: LAYOUTS },
  { selector: '.jp-Turing-Table-empty', on: LAYOUTS },
  { selector: '.jp-Turing-Table-range', on: LAYOUTS },
  { selector: '.jp-Turing-Table', on: LAYOUTS },
  { selector: '.jp-Turing-ActionBar', on: ['--jp-layout-color1'] },
  { selector: '.jp-Turing-Dialog-discard', on: ['--jp-layout-color2'] },
];

describe('color contrast', () => {
  it('computes WCAG ratios: black on white is 21, a color on itself is 1', () => {
    expect(contrastRatio(parseColor('#000'), parseColor('white'))).toBeCloseTo(21, 5);
    expect(contrastRatio(parseColor('#e65100'), parseColor('#e65100'))).toBeCloseTo(1, 5);
    // JupyterLab Light's orange warning, as the issue measured it.
    expect(contrastRatio(parseColor('#e65100'), parseColor('#fff'))).toBeCloseTo(3.79, 2);
  });

  it('paints translucent text over its background before measuring', () => {
    // rgba(0,0,0,.54) on white is #757575.
    expect(contrastRatio(parseColor('rgba(0,0,0,.54)'), parseColor('#fff'))).toBeCloseTo(
      contrastRatio(parseColor('#757575'), parseColor('#fff')),
      1,
    );
  });

  it('mixes colors as CSS color-mix in srgb does', () => {
    expect(mixSrgb(parseColor('#ff0000'), parseColor('#0000ff'), 0.25)).toEqual({
      r: 63.75,
      g: 0,
      b: 191.25,
      a: 1,
    });
    const vars = new Map([['--a', 'var(--b, #000)']]);
    expect(resolveColor('color-mix(in srgb, var(--a) 50%, white)', vars)).toEqual({
      r: 127.5,
      g: 127.5,
      b: 127.5,
      a: 1,
    });
  });

  for (const name of ['light', 'dark'] as const) {
    it(`keeps every Turing text color at least 4.5:1 in JupyterLab ${name}`, () => {
      const variables = theme(name);
      const failures: string[] = [];
      for (const { selector, on } of TEXT) {
        const color = resolveColor(declaration(selector, 'color'), variables);
        for (const background of on) {
          const ratio = contrastRatio(color, resolveColor(`var(${background})`, variables));
          if (ratio < 4.5) {
            failures.push(`${selector} on ${background}: ${ratio.toFixed(2)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it(`keeps disabled button text visible (at least 3:1) in JupyterLab ${name}`, () => {
      const variables = theme(name);
      const text = resolveColor('var(--jp-turing-text-disabled)', variables);
      const ratio = contrastRatio(text, resolveColor('var(--jp-layout-color2)', variables));
      expect(ratio).toBeGreaterThanOrEqual(3);
    });
  }

  it('sets badges at least at --jp-ui-font-size1', () => {
    expect(declaration('.jp-Turing-StatusBadge', 'font-size')).toBe('var(--jp-ui-font-size1)');
  });
});
