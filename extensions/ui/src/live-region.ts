/** How urgently a screen reader should read an announcement. */
export type Politeness = 'polite' | 'assertive';

/** Before the text is set, so a repeated identical message is still a change. */
const SETTLE_MS = 50;

const pending = new Map<Politeness, { messages: string[]; timer: ReturnType<typeof setTimeout> }>();

/**
 * The page's live region of that politeness, created on first use. Looked up
 * by id, so the private copies of `@turing/ui` in each extension share it.
 */
function liveRegion(politeness: Politeness): HTMLElement {
  const id = `jp-Turing-LiveRegion-${politeness}`;
  const existing = document.getElementById(id);
  if (existing) {
    return existing;
  }
  const region = document.createElement('div');
  region.id = id;
  region.className = 'jp-Turing-VisuallyHidden jp-Turing-LiveRegion';
  region.setAttribute('role', politeness === 'assertive' ? 'alert' : 'status');
  region.setAttribute('aria-live', politeness);
  region.setAttribute('aria-atomic', 'true');
  region.setAttribute('data-testid', `turing-live-region-${politeness}`);
  // Inline too: the region must stay hidden even before any Turing CSS has loaded.
  Object.assign(region.style, {
    position: 'absolute',
    width: '1px',
    height: '1px',
    margin: '-1px',
    padding: '0',
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: '0',
  });
  document.body.appendChild(region);
  return region;
}

/**
 * Tells screen-reader users about a change they cannot see (a run failed, a
 * switch finished), through one visually hidden `aria-live` region per
 * politeness in `document.body`. The region is emptied first and filled a
 * moment later, so the same message twice in a row is read twice; messages
 * arriving within that moment are read together.
 *
 * @param message - the (translated) text to read
 * @param politeness - `'polite'` (default) waits for the user to be idle; `'assertive'` interrupts
 */
export function announce(message: string, politeness: Politeness = 'polite'): void {
  if (!message || typeof document === 'undefined') {
    return;
  }
  const region = liveRegion(politeness);
  const queued = pending.get(politeness);
  if (queued) {
    queued.messages.push(message);
    return;
  }
  region.textContent = '';
  const entry = {
    messages: [message],
    timer: setTimeout(() => {
      pending.delete(politeness);
      region.textContent = entry.messages.join(' ');
    }, SETTLE_MS),
  };
  pending.set(politeness, entry);
}
