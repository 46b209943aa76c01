import type { Translate } from '../model-format';

/** A translation bundle stand-in: English, with `%1`, `%2`, ... filled in like JupyterLab's. */
export const englishTranslate: Translate = {
  __: (message: string, ...args: Array<string | number>) =>
    message.replace(/%(\d+)/g, (whole, n: string) => {
      const arg = args[Number(n) - 1];
      return arg === undefined ? whole : String(arg);
    }),
};
