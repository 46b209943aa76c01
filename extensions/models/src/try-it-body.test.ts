import { describe, expect, it } from 'vitest';

import { apiKeyCurlExample, hubCurlExample, predictPath, shellQuote } from './curl-examples';
import { irisModel, mnistModel, mnistV1 } from './testing/model-fixture';
import {
  formatJson,
  prefilledBody,
  protocolsOf,
  signatureVersion,
  tfPredictBody,
  v2Datatype,
  v2InferBody,
} from './try-it-body';

describe('prefilled Try it bodies', () => {
  it('makes one TF Serving instance of zeros from the input shape', () => {
    const body = tfPredictBody(mnistV1.signature);
    expect(body.instances).toHaveLength(1);
    const instance = body.instances[0] as number[][];
    expect(instance).toHaveLength(28);
    expect(instance.every((row) => row.length === 28 && row.every((v) => v === 0))).toBe(true);
    expect(
      tfPredictBody({ name: 's', inputs: [{ name: 'x', dtype: 'DT_FLOAT', shape: [-1, 4] }], outputs: [] }),
    ).toEqual({ instances: [[0, 0, 0, 0]] });
  });

  it('keys each instance by input name when there are several, with typed zeros', () => {
    const signature = {
      name: 'serving_default',
      inputs: [
        { name: 'text', dtype: 'DT_STRING', shape: [-1] },
        { name: 'mask', dtype: 'DT_BOOL', shape: [-1, 2] },
        { name: 'ids', dtype: 'DT_INT64', shape: [-1, -1] },
      ],
      outputs: [],
    };
    expect(tfPredictBody(signature)).toEqual({ instances: [{ text: '', mask: [false, false], ids: [0] }] });
    expect(tfPredictBody(undefined)).toEqual({ instances: [[0]] });
  });

  it('makes a V2 inputs array from the signature: batch of one, flat data, V2 datatypes', () => {
    expect(v2InferBody(irisModel().versions[0]?.signature)).toEqual({
      inputs: [{ name: 'input-0', shape: [1, 4], datatype: 'FP32', data: [0, 0, 0, 0] }],
    });
    expect(v2Datatype('DT_DOUBLE')).toBe('FP64');
    expect(v2Datatype('INT64')).toBe('INT64');
  });

  it('guesses one FP32 feature row when an xgboost model has no signature', () => {
    expect(v2InferBody(undefined)).toEqual({
      inputs: [{ name: 'input-0', shape: [1, 1], datatype: 'FP32', data: [0] }],
    });
    expect(v2InferBody(undefined, 3).inputs[0]?.data).toEqual([0, 0, 0]);
  });

  it('follows the stable version and the protocol the runtime speaks', () => {
    const iris = irisModel();
    expect(protocolsOf(iris)).toEqual(['v2']);
    expect(protocolsOf(mnistModel())).toEqual(['v1']);
    expect(signatureVersion(iris)?.version).toBe(1);
    expect(signatureVersion({ ...iris, traffic: undefined })?.version).toBe(2);
    expect(prefilledBody(iris, 'v2')).toMatchObject({ fromSignature: true });
    const unsigned = { ...iris, versions: iris.versions.map(({ signature: _s, ...v }) => v) };
    expect(prefilledBody(unsigned, 'v2')).toMatchObject({ fromSignature: false });
  });

  it('prints objects one key per line and plain arrays on one line', () => {
    const text = formatJson({ inputs: [{ name: 'input-0', shape: [1, 2], data: [[0, 0]] }] });
    expect(text).toBe(
      [
        '{',
        '  "inputs": [',
        '    {',
        '      "name": "input-0",',
        '      "shape": [1,2],',
        '      "data": [[0,0]]',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
    expect(JSON.parse(text)).toEqual({ inputs: [{ name: 'input-0', shape: [1, 2], data: [[0, 0]] }] });
  });
});

describe('curl examples', () => {
  const body = { inputs: [{ name: 'input-0', shape: [1, 1], datatype: 'BYTES', data: ["it's"] }] };

  it('posts to the absolute endpoint with the hub token header left for the shell to expand', () => {
    const text = hubCurlExample('https://hub.example', irisModel().endpoints.v2, 'v2', body);
    expect(text.split('\n')).toEqual([
      "curl -sS -X POST 'https://hub.example/services/turing/models/iris/v2/models/iris/infer' \\",
      '  -H "Authorization: token $JUPYTERHUB_API_TOKEN" \\',
      "  -H 'Content-Type: application/json' \\",
      `  -d '{"inputs":[{"name":"input-0","shape":[1,1],"datatype":"BYTES","data":["it'\\''s"]}]}'`,
    ]);
  });

  it('uses :predict for TF Serving REST and keeps a path that has it already', () => {
    expect(predictPath('/m/v1/models/m', 'v1')).toBe('/m/v1/models/m:predict');
    expect(predictPath('/m/v1/models/m:predict', 'v1')).toBe('/m/v1/models/m:predict');
    expect(predictPath('/m/v2/models/m/', 'v2')).toBe('/m/v2/models/m/infer');
    expect(hubCurlExample('http://h/', '/services/turing/models/m/v1/models/m', 'v1', {})).toContain(
      "'http://h/services/turing/models/m/v1/models/m:predict'",
    );
  });

  it('calls the in-cluster listener with an API key', () => {
    const text = apiKeyCurlExample('http://turing-hub-proxy.turing.svc:8082/models/iris', 'iris', 'v2', {});
    expect(text).toContain("'http://turing-hub-proxy.turing.svc:8082/models/iris/v2/models/iris/infer'");
    expect(text).toContain('-H "Authorization: Bearer $TURING_MODEL_API_KEY"');
  });

  it('quotes single quotes for a POSIX shell', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});
