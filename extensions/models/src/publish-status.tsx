import type { TranslationBundle } from '@jupyterlab/translation';
import type { ModelVersion, PublishRollout, VersionUploadProgress } from '@turing/client';
import { formatByteSize } from '@turing/client';
import { ProgressBar } from '@turing/ui';
import React from 'react';

/** Props of {@link UploadProgress}. */
export interface UploadProgressProps {
  progress: VersionUploadProgress;
  trans: TranslationBundle;
}

/** The upload's progress bar, with the file being sent and bytes sent of the total. */
export function UploadProgress({ progress, trans }: UploadProgressProps): React.ReactElement {
  const sent = formatByteSize(progress.sentBytes);
  const total = formatByteSize(progress.totalBytes);
  const text =
    progress.phase === 'starting'
      ? trans.__('Starting the upload…')
      : progress.phase === 'committing'
        ? trans.__('All %1 sent; making it a version…', total)
        : trans.__(
            'Sending %1 (file %2 of %3): %4 of %5',
            progress.path ?? '',
            progress.fileIndex + 1,
            progress.fileCount,
            sent,
            total,
          );
  return (
    <div className="jp-Turing-Models-progress" data-testid="publish-progress" aria-live="polite">
      <ProgressBar
        value={progress.sentBytes}
        max={Math.max(progress.totalBytes, 1)}
        label={trans.__('Upload progress')}
        valueText={trans.__('%1 of %2 sent', sent, total)}
      />
      <div className="jp-Turing-Hint" data-testid="publish-progress-text">
        {text}
      </div>
    </div>
  );
}

/** What a rollout did, in words. */
export function describeRollout(rollout: PublishRollout, trans: TranslationBundle): string {
  switch (rollout.kind) {
    case 'canary':
      return trans.__('it gets %1% of the traffic as a canary once its replicas are ready', rollout.percent);
    case 'replace':
      return trans.__('it takes all traffic once its replicas are ready');
    default:
      return trans.__('it does not serve until you route traffic to it');
  }
}

/** Props of {@link PublishResult}. */
export interface PublishResultProps {
  name: string;
  version: ModelVersion;
  rollout: PublishRollout;
  trans: TranslationBundle;
}

/** The outcome shown after a successful publish. */
export function PublishResult({ name, version, rollout, trans }: PublishResultProps): React.ReactElement {
  return (
    <div className="jp-Turing-Models-result" role="status" data-testid="publish-result">
      <div className="jp-Turing-Models-resultTitle">
        {trans.__('Published version %1 of "%2".', version.version, name)}
      </div>
      <div>
        {trans.__(
          '%1, %2; %3.',
          trans._n('%1 file', '%1 files', version.files.length),
          formatByteSize(version.sizeBytes),
          describeRollout(rollout, trans),
        )}
      </div>
    </div>
  );
}
