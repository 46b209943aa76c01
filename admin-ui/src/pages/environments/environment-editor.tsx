import { announce } from '@turing/ui/lib/live-region';
import React, { useState } from 'react';

import { useApi } from '../../api/api-context';
import type { AdminCatalog, AdminEnvironment, KubeSpawnerProfile } from '../../api/types';
import { trans } from '../../app/translation';
import { ActionButton } from '../../components/action-button';
import { useConfirm } from '../../components/confirm-dialog';
import { WriteFeedback } from '../../components/write-feedback';
import { useVersionedWrite } from '../../hooks/use-versioned-write';
import { catalogErrorField } from './catalog-field-errors';
import type { EnvironmentDraft } from './environment-draft';
import { draftFromEnvironment, emptyDraft, environmentFromDraft } from './environment-draft';
import { EnvironmentForm } from './environment-form';

/** Props of {@link EnvironmentEditor}. */
export interface EnvironmentEditorProps {
  catalog: AdminCatalog;
  /** The environment edited; absent for a new one. */
  environment?: AdminEnvironment;
  /** Loads the catalog again (after a save, or to resolve a conflict); resolves once loaded. */
  reloadCatalog: () => Promise<unknown>;
  /** After a create (with the new id) or a delete (without). */
  onDone: (id?: string) => void;
}

/**
 * The detail page of one environment: the form, the KubeSpawner profile it
 * yields, and create / save / disable / delete, each sending `If-Match` with
 * the catalog version loaded. A 409 keeps the edit and offers a reload.
 */
export function EnvironmentEditor(props: EnvironmentEditorProps): React.ReactElement {
  const { catalog, environment, reloadCatalog, onDone } = props;
  const api = useApi();
  const confirm = useConfirm();
  const isNew = environment === undefined;
  const [draft, setDraft] = useState<EnvironmentDraft>(() =>
    environment ? draftFromEnvironment(environment) : emptyDraft(),
  );
  const write = useVersionedWrite({
    fieldOf: catalogErrorField,
    staleMessage: trans.__('Someone else changed the catalog.'),
  });
  const { fields, busy, run } = write;
  const [preview, setPreview] = useState<KubeSpawnerProfile | null>(environment?.profile ?? null);

  const entryOf = (from: EnvironmentDraft) => {
    const result = environmentFromDraft(from);
    if (!result.ok) {
      write.invalid(result.errors);
      return null;
    }
    return result.environment;
  };

  const save = (from: EnvironmentDraft, message: string) =>
    run(async () => {
      const entry = entryOf(from);
      if (!entry) {
        return;
      }
      const answer = isNew
        ? await api.createEnvironment(entry, catalog.version)
        : await api.replaceEnvironment(entry.id, entry, catalog.version);
      setDraft(draftFromEnvironment(answer.item));
      setPreview(answer.item.profile);
      write.succeeded();
      await reloadCatalog();
      announce(message);
      if (isNew) {
        onDone(entry.id);
      }
    });

  const toggleDisabled = async (): Promise<void> => {
    const disabling = !draft.disabled;
    if (
      disabling &&
      !(await confirm({
        title: trans.__('Disable environment %1?', draft.id),
        body: trans.__(
          'Users can no longer start servers, jobs or models with it. Existing jobs keep their image.',
        ),
        acceptLabel: trans.__('Disable'),
      }))
    ) {
      return;
    }
    const next = { ...draft, disabled: disabling };
    await save(
      next,
      disabling
        ? trans.__('Environment %1 disabled.', draft.id)
        : trans.__('Environment %1 enabled.', draft.id),
    );
  };

  const remove = async (): Promise<void> => {
    const accepted = await confirm({
      title: trans.__('Delete environment %1?', draft.id),
      body: trans.__(
        'It leaves the catalog. Jobs that use it keep their resolved image; new ones cannot pick it.',
      ),
      acceptLabel: trans.__('Delete'),
    });
    if (!accepted) {
      return;
    }
    await run(async () => {
      await api.deleteEnvironment(draft.id, catalog.version);
      await reloadCatalog();
      announce(trans.__('Environment %1 deleted.', draft.id));
      onDone();
    });
  };

  const showPreview = () =>
    run(async () => {
      const entry = entryOf(draft);
      if (entry) {
        setPreview(await api.previewEnvironment(entry));
        write.clearErrors();
        announce(trans.__('Profile preview updated.'));
      }
    });

  const scope = { idPrefix: 'env', testIdPrefix: 'env', errors: fields };
  return (
    <section
      className="jp-Turing-Admin-detail"
      aria-labelledby="env-editor-title"
      data-testid="environment-editor"
    >
      <h2 id="env-editor-title" className="jp-Turing-Admin-h2">
        {isNew ? trans.__('New environment') : trans.__('Environment %1', environment.id)}
      </h2>
      <WriteFeedback
        write={write}
        what={trans.__('the catalog')}
        onReload={() =>
          void write.reload(reloadCatalog, trans.__('Catalog reloaded. Your edit is kept; save it again.'))
        }
        testIdPrefix="env"
      />
      {fields.general && (
        <ul className="jp-Turing-FieldError" data-testid="env-error-general">
          {fields.general.map((message, index) => (
            <li key={index}>{message}</li>
          ))}
        </ul>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save(
            draft,
            isNew
              ? trans.__('Environment %1 created.', draft.id)
              : trans.__('Environment %1 saved.', draft.id),
          );
        }}
      >
        <EnvironmentForm
          draft={draft}
          onChange={setDraft}
          isNew={isNew}
          gpuTypes={catalog.gpuTypes}
          scope={scope}
          disabled={busy}
        />
        <div className="jp-Turing-Admin-actions">
          <ActionButton
            label={isNew ? trans.__('Create') : trans.__('Save')}
            submit
            tone="accept"
            disabled={busy}
            testId="env-save"
          />
          <ActionButton
            label={trans.__('Preview profile')}
            disabled={busy}
            testId="env-preview"
            onClick={() => void showPreview()}
          />
          {!isNew && (
            <>
              <ActionButton
                label={draft.disabled ? trans.__('Enable') : trans.__('Disable')}
                disabled={busy}
                testId="env-toggle-disabled"
                onClick={() => void toggleDisabled()}
              />
              <ActionButton
                label={trans.__('Delete')}
                tone="warn"
                disabled={busy}
                testId="env-delete"
                onClick={() => void remove()}
              />
            </>
          )}
        </div>
      </form>
      <section className="jp-Turing-Admin-preview" aria-labelledby="env-preview-title">
        <h3 id="env-preview-title" className="jp-Turing-Admin-h3">
          {trans.__('KubeSpawner profile')}
        </h3>
        {preview ? (
          <pre
            className="jp-Turing-Admin-json"
            tabIndex={0}
            aria-label={trans.__('KubeSpawner profile')}
            data-testid="env-profile"
          >
            {JSON.stringify(preview, null, 2)}
          </pre>
        ) : (
          <p className="jp-Turing-Hint">
            {trans.__('Preview the profile to see what the spawn form offers.')}
          </p>
        )}
      </section>
    </section>
  );
}
