import type { TranslationBundle } from '@jupyterlab/translation';
import { copyIcon } from '@jupyterlab/ui-components';
import type { GatewayProtocol, ModelView } from '@turing/client';
import { IconButton } from '@turing/ui';
import React from 'react';

import { absoluteUrl, apiKeyCurlExample, hubCurlExample, predictPath } from './curl-examples';
import { copyWithNotice } from './model-actions';
import { prefilledBody, protocolsOf } from './try-it-body';

/** The displayed name of a gateway protocol. */
export function protocolLabel(protocol: GatewayProtocol, trans: TranslationBundle): string {
  return protocol === 'v1' ? trans.__('TF Serving REST') : trans.__('Open Inference Protocol (V2)');
}

/** Props of {@link EndpointExamples}. */
export interface EndpointExamplesProps {
  model: ModelView;
  /** The hub's origin, for absolute URLs. */
  origin: string;
  trans: TranslationBundle;
}

/** A block of copyable text: a URL on one line, or a command. */
function Copyable(props: {
  text: string;
  what: string;
  /** The accessible name of the copy button, e.g. "Copy the V2 URL of ctr-xgb". */
  copyLabel: string;
  block: boolean;
  testId: string;
  trans: TranslationBundle;
}): React.ReactElement {
  const { text, what, copyLabel, block, testId, trans } = props;
  return (
    <div className="jp-Turing-Models-copyable">
      {block ? (
        <pre className="jp-Turing-Models-code" data-testid={testId} tabIndex={0}>
          {text}
        </pre>
      ) : (
        <code className="jp-Turing-Models-url" data-testid={testId} title={text}>
          {text}
        </code>
      )}
      <IconButton icon={copyIcon} label={copyLabel} onClick={() => copyWithNotice(text, what, trans)} />
    </div>
  );
}

/**
 * The model's endpoint URL and a `curl` example for each protocol its
 * runtime speaks (with the hub token from a terminal of the user's server),
 * plus the API key example on the in-cluster listener when keys may call it.
 */
export function EndpointExamples({ model, origin, trans }: EndpointExamplesProps): React.ReactElement {
  const apiKeyBase = model.access.apiKeys ? model.endpoints.apiKeyBase : undefined;
  return (
    <div className="jp-Turing-Models-endpoints">
      {protocolsOf(model).map((protocol) => {
        const base = model.endpoints[protocol];
        const { body } = prefilledBody(model, protocol);
        return (
          <div
            key={protocol}
            className="jp-Turing-Models-endpoint"
            data-testid={`model-endpoint-${protocol}`}
          >
            <div className="jp-Turing-Models-label">{protocolLabel(protocol, trans)}</div>
            <Copyable
              text={absoluteUrl(origin, predictPath(base, protocol))}
              what={trans.__('URL')}
              copyLabel={trans.__('Copy the %1 URL of %2', protocolLabel(protocol, trans), model.name)}
              block={false}
              testId={`model-url-${protocol}`}
              trans={trans}
            />
            <Copyable
              text={hubCurlExample(origin, base, protocol, body)}
              what={trans.__('curl example')}
              copyLabel={trans.__(
                'Copy the %1 curl example of %2',
                protocolLabel(protocol, trans),
                model.name,
              )}
              block={true}
              testId={`model-curl-${protocol}`}
              trans={trans}
            />
            {apiKeyBase && (
              <>
                <div className="jp-Turing-Hint">{trans.__('In the cluster, with an API key:')}</div>
                <Copyable
                  text={apiKeyCurlExample(apiKeyBase, model.name, protocol, body)}
                  what={trans.__('API key example')}
                  copyLabel={trans.__(
                    'Copy the %1 API key example of %2',
                    protocolLabel(protocol, trans),
                    model.name,
                  )}
                  block={true}
                  testId={`model-curl-key-${protocol}`}
                  trans={trans}
                />
              </>
            )}
          </div>
        );
      })}
    </div>
  );
}
