import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import type { IModelsClient, ModelView } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { ErrorMessage, IconButton, toShownError } from '@turing/ui';
import React, { useEffect, useState } from 'react';

/** Props of {@link ModelLogs}. */
export interface ModelLogsProps {
  models: IModelsClient;
  model: ModelView;
  tailLines: number;
  trans: TranslationBundle;
}

/**
 * The latest serving log lines (pod logs on Kubernetes, the process log
 * locally), collapsed until opened, read when opened and on Reload. Shown as
 * text only.
 */
export function ModelLogs({ models, model, tailLines, trans }: ModelLogsProps): React.ReactElement {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [loads, setLoads] = useState(0);

  useEffect(() => {
    if (!open) {
      return;
    }
    let live = true;
    setError(null);
    models
      .logs(model.name, tailLines)
      .then((log) => live && setText(log))
      .catch((e: unknown) => live && setError(toShownError(e)));
    return () => {
      live = false;
    };
  }, [open, loads, model.name, tailLines]);

  return (
    <details
      className="jp-Turing-Models-logs"
      data-testid="model-logs"
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary aria-label={trans.__('Latest logs of %1', model.name)}>{trans.__('Latest logs')}</summary>
      {open && (
        <>
          <div className="jp-Turing-Models-logsHeader">
            <span className="jp-Turing-Hint">{trans.__('Last %1 lines', tailLines)}</span>
            <IconButton
              icon={refreshIcon}
              label={trans.__('Reload the logs of %1', model.name)}
              onClick={() => setLoads((n) => n + 1)}
            />
          </div>
          {error && <ErrorMessage error={error} trans={trans} />}
          <pre
            className="jp-Turing-LogText jp-Turing-Models-logText"
            role="log"
            data-testid="model-logs-text"
            tabIndex={0}
          >
            {text === null ? trans.__('Loading…') : text || trans.__('(no log lines yet)')}
          </pre>
        </>
      )}
    </details>
  );
}
