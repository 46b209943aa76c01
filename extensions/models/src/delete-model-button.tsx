import type { TranslationBundle } from '@jupyterlab/translation';
import { deleteIcon } from '@jupyterlab/ui-components';
import React from 'react';

/** Props of {@link DeleteModelButton}. */
export interface DeleteModelButtonProps {
  model: string;
  busy: boolean;
  onDelete: () => void;
  /** With the trash icon before the label (the detail page's header). */
  withIcon?: boolean;
  trans: TranslationBundle;
}

/** The "Delete model" button of a card and of the detail page; `onDelete` asks for confirmation. */
export function DeleteModelButton(props: DeleteModelButtonProps): React.ReactElement {
  const { model, withIcon, trans } = props;
  return (
    <button
      type="button"
      className={`jp-mod-styled jp-mod-warn jp-Turing-SmallButton${withIcon ? ' jp-Turing-Models-iconText' : ''}`}
      data-testid="model-delete"
      aria-label={trans.__('Delete model %1', model)}
      disabled={props.busy}
      onClick={props.onDelete}
    >
      {withIcon && <deleteIcon.react tag="span" />}
      {trans.__('Delete model')}
    </button>
  );
}
