import { ReactWidget } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';

/** What a view was last asked to show; `serial` makes a repeated request a new one. */
export interface ViewRequest {
  serial: number;
}

/** The state a {@link ViewWidget} passes to the React view it renders. */
export interface ViewState<S, R extends ViewRequest> {
  settings: S;
  request: R;
  /** Bumped on every refresh (and each time the widget is shown). */
  refreshes: number;
  isVisible: () => boolean;
}

/**
 * A `ReactWidget` holding a view's settings, its latest request and a refresh
 * counter; subclasses render their view with {@link ViewWidget.viewState}.
 */
export abstract class ViewWidget<S, R extends ViewRequest> extends ReactWidget {
  private settings: S;
  private request: R;
  private refreshes = 0;

  constructor(settings: S, request: R) {
    super();
    this.settings = settings;
    this.request = request;
  }

  /** The settings in effect. */
  get currentSettings(): S {
    return this.settings;
  }

  /** Applies new settings. */
  setSettings(settings: S): void {
    this.settings = settings;
    this.update();
  }

  /** Reloads what the view shows. */
  refresh(): void {
    this.refreshes += 1;
    this.update();
  }

  /** Asks the view to show `request`, with the next serial. */
  protected requestView(request: Omit<R, 'serial'>): void {
    this.request = { ...request, serial: this.request.serial + 1 } as R;
    this.update();
  }

  /** The state to pass to the view on each render. */
  protected get viewState(): ViewState<S, R> {
    return {
      settings: this.settings,
      request: this.request,
      refreshes: this.refreshes,
      isVisible: () => this.isVisible,
    };
  }

  protected override onAfterShow(msg: Parameters<Widget['processMessage']>[0]): void {
    super.onAfterShow(msg);
    // Polling pauses while the view is hidden: what it shows may be stale.
    this.refresh();
  }
}
