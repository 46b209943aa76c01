import { describe, expect, it } from 'vitest';

import { statusLabel } from './status-label';
import { catalog } from './testing/catalog-fixture';
import { englishTranslate } from './testing/translate';

const environments = catalog;
const torch = environments[0];

describe('statusLabel', () => {
  it('names the current environment and its GPUs, and says the item opens the panel', () => {
    if (!torch) throw new Error('fixture without environments');
    const label = statusLabel({ environment: torch.id, gpus: 2 }, environments, false, englishTranslate);
    expect(label.text).toBe(`${torch.displayName}, 2 GPUs`);
    expect(label.name).toBe(`Environment: ${torch.displayName}, 2 GPUs. Open the Environments panel`);
  });

  it('leaves the GPU count out without GPUs and says one GPU in the singular', () => {
    if (!torch) throw new Error('fixture without environments');
    expect(statusLabel({ environment: torch.id }, environments, false, englishTranslate).text).toBe(
      torch.displayName,
    );
    expect(statusLabel({ environment: torch.id, gpus: 1 }, environments, false, englishTranslate).text).toBe(
      `${torch.displayName}, 1 GPU`,
    );
  });

  it('falls back to the id of an environment missing from the catalog, then to unknown', () => {
    expect(statusLabel({ environment: 'gone-env' }, environments, false, englishTranslate).text).toBe(
      'gone-env',
    );
    expect(statusLabel(undefined, environments, false, englishTranslate).name).toBe(
      'Environment: unknown. Open the Environments panel',
    );
    expect(statusLabel(undefined, [], true, englishTranslate).text).toBe('loading…');
  });
});
