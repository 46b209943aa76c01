import type { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { LabIcon } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';

/** Options of {@link openMainAreaView}. */
export interface MainAreaViewOptions {
  /** The widget id: one view per id (also a good layout-restorer key). */
  id: string;
  /** The (translated) tab label. */
  label: string;
  /** The (translated) tab tooltip. */
  caption: string;
  icon: LabIcon;
  /** Creates the content; called only when no view with this id is open. */
  create: () => Widget;
}

/**
 * Opens a Turing view in the main area, e.g. the jobs table or a job's detail
 * page: activates the open view with `id` if there is one, else wraps
 * `create()` in a closable `MainAreaWidget`, adds it to `'main'` and activates it.
 */
export function openMainAreaView(app: JupyterFrontEnd, options: MainAreaViewOptions): MainAreaWidget {
  const { id, label, caption, icon, create } = options;
  for (const widget of app.shell.widgets('main')) {
    if (widget.id === id && widget instanceof MainAreaWidget && !widget.isDisposed) {
      app.shell.activateById(id);
      return widget;
    }
  }
  const view = new MainAreaWidget({ content: create() });
  view.id = id;
  view.addClass('jp-Turing-MainAreaView');
  view.title.label = label;
  view.title.caption = caption;
  view.title.icon = icon;
  view.title.closable = true;
  app.shell.add(view, 'main');
  app.shell.activateById(id);
  return view;
}
