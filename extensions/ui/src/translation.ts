import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';

/** The translation domain of every Turing extension: every user-facing string goes through it. */
export const TRANSLATION_DOMAIN = 'turing';

/** The bundle of the {@link TRANSLATION_DOMAIN}, from the page's translator if there is one. */
export function turingTranslation(translator: ITranslator | null): TranslationBundle {
  return (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
}
