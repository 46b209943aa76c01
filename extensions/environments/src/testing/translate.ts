import type { TranslationBundle } from '@jupyterlab/translation';

const fill = (message: string, args: Array<string | number>): string =>
  message.replace(/%(\d+)/g, (whole, n: string) => {
    const arg = args[Number(n) - 1];
    return arg === undefined ? whole : String(arg);
  });

/** A translation bundle stand-in: English, with `%1`, `%2`, ... filled in like JupyterLab's. */
export const englishTranslate: Pick<TranslationBundle, '__' | '_n'> = {
  __: (message: string, ...args: Array<string | number>) => fill(message, args),
  _n: (singular: string, plural: string, n: number, ...args: Array<string | number>) =>
    fill(n === 1 ? singular : plural, [n, ...args]),
};
