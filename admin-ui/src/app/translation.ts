import type { TranslationBundle } from '@jupyterlab/translation';
// The module itself, not the package index: the index pulls in JupyterLab's server connection.
import { nullTranslator } from '@jupyterlab/translation/lib/base';

/** The translation domain of every Turing user interface (`TRANSLATION_DOMAIN` in @turing/ui). */
const DOMAIN = 'turing';

/** The `turing` translation bundle of the admin pages (the lab extensions' domain). */
export const trans: TranslationBundle = nullTranslator.load(DOMAIN);
