import type { TranslationBundle } from '@jupyterlab/translation';
import type { GatewayProtocol, IModelsClient, ModelView, PredictionResult } from '@turing/client';
import { errorFromProblem } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { ErrorMessage, toShownError } from '@turing/ui';
import React, { useState } from 'react';

import { protocolLabel } from './endpoint-examples';
import { formatMs } from './labels';
import { formatJson, prefilledBody, protocolsOf, signatureVersion } from './try-it-body';

/** Props of {@link TryIt}. */
export interface TryItProps {
  models: IModelsClient;
  model: ModelView;
  trans: TranslationBundle;
}

/** The prefilled body text of a protocol. */
function prefill(model: ModelView, protocol: GatewayProtocol): { text: string; fromSignature: boolean } {
  const { body, fromSignature } = prefilledBody(model, protocol);
  return { text: formatJson(body), fromSignature };
}

/** The status line of an answer: status, latency and the version that answered. */
function statusLine(result: PredictionResult, trans: TranslationBundle): string {
  const version = result.servedVersion ? trans.__(' · version %1', result.servedVersion) : '';
  return trans.__('HTTP %1 · %2%3', result.status, formatMs(result.latencyMs, trans), version);
}

/**
 * "Try it": a request body prefilled from the serving version's signature,
 * sent through the gateway; shows the JSON answer, its latency and the
 * version that answered. Answers are shown as text only.
 */
export function TryIt({ models, model, trans }: TryItProps): React.ReactElement {
  const protocols = protocolsOf(model);
  const [protocol, setProtocol] = useState<GatewayProtocol>(protocols[0] ?? 'v2');
  const [body, setBody] = useState(() => prefill(model, protocol));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PredictionResult | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const version = signatureVersion(model)?.version;

  const send = async (): Promise<void> => {
    setError(null);
    try {
      JSON.parse(body.text);
    } catch (e) {
      setError({
        title: trans.__('The body is not valid JSON.'),
        detail: String((e as Error).message),
        fields: [],
      });
      return;
    }
    setBusy(true);
    try {
      setResult(await models.predict(model.name, protocol, body.text));
    } catch (e) {
      setResult(null);
      setError(toShownError(e));
    } finally {
      setBusy(false);
    }
  };

  const problem =
    result && !result.ok && result.contentType.includes('problem+json')
      ? toShownError(errorFromProblem(result.status, '', result.body))
      : null;
  return (
    <div className="jp-Turing-Models-tryIt" data-testid="model-try">
      {protocols.length > 1 && (
        <select
          className="jp-mod-styled"
          aria-label={trans.__('Protocol of %1', model.name)}
          value={protocol}
          onChange={(e) => {
            const next = e.target.value as GatewayProtocol;
            setProtocol(next);
            setBody(prefill(model, next));
          }}
        >
          {protocols.map((p) => (
            <option key={p} value={p}>
              {protocolLabel(p, trans)}
            </option>
          ))}
        </select>
      )}
      <textarea
        className="jp-mod-styled jp-Turing-Models-code"
        aria-label={trans.__('Request body of %1', model.name)}
        data-testid="model-try-body"
        rows={6}
        spellCheck={false}
        value={body.text}
        onChange={(e) => {
          const text = e.target.value;
          setBody((b) => ({ ...b, text }));
        }}
      />
      <div className="jp-Turing-Hint">
        {body.fromSignature
          ? trans.__('Zeros shaped like the signature of version %1; put in your values.', version ?? '?')
          : trans.__(
              'The model does not say its inputs: one feature is shown. Put in a row of your features.',
            )}
      </div>
      <div className="jp-Turing-ButtonRow">
        <button
          type="button"
          className="jp-mod-styled jp-mod-accept jp-Turing-SmallButton"
          data-testid="model-try-send"
          aria-label={trans.__('Send the request to %1', model.name)}
          disabled={busy}
          aria-busy={busy}
          onClick={() => void send()}
        >
          {busy ? trans.__('Sending…') : trans.__('Send')}
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-Turing-SmallButton"
          disabled={busy}
          aria-label={trans.__('Reset the request body of %1', model.name)}
          onClick={() => setBody(prefill(model, protocol))}
        >
          {trans.__('Reset')}
        </button>
      </div>
      <div className="jp-Turing-Models-response" data-testid="model-try-response" aria-live="polite">
        {error && <ErrorMessage error={error} trans={trans} testId="model-try-error" />}
        {result && (
          <>
            <div
              className={result.ok ? 'jp-Turing-Models-ok' : 'jp-Turing-Models-failed'}
              data-testid="model-try-status"
              data-status={result.status}
              data-version={result.servedVersion ?? ''}
            >
              {statusLine(result, trans)}
            </div>
            {problem ? (
              <ErrorMessage error={problem} trans={trans} />
            ) : (
              <pre className="jp-Turing-Models-code" data-testid="model-try-output" tabIndex={0}>
                {typeof result.body === 'string' ? result.body : formatJson(result.body)}
              </pre>
            )}
          </>
        )}
      </div>
    </div>
  );
}
