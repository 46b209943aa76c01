import type { LabIcon } from '@jupyterlab/ui-components';
import { SidePanel } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';
import { Panel } from '@lumino/widgets';

/** Options of {@link createSidePanel}. */
export interface SidePanelOptions {
  /** The widget id (also its layout-restorer key). */
  id: string;
  /** The panel's own class, added beside `jp-Turing-SidePanel`. */
  className: string;
  icon: LabIcon;
  /** The (translated) tab caption, also the panel's accessible name. */
  caption: string;
  /** The panel's content. */
  body: Widget;
  /** The (translated) title of the body's section. */
  label: string;
}

/** A Turing side panel: icon, caption, `role="region"` with an accessible name, and its body. */
export function createSidePanel(options: SidePanelOptions): SidePanel {
  const { id, className, icon, caption, body, label } = options;
  const panel = new SidePanel({ content: new Panel() });
  panel.id = id;
  panel.addClass('jp-Turing-SidePanel');
  panel.addClass(className);
  panel.title.icon = icon;
  panel.title.caption = caption;
  panel.node.setAttribute('role', 'region');
  panel.node.setAttribute('aria-label', caption);
  body.title.label = label;
  panel.addWidget(body);
  return panel;
}
