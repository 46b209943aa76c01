import { useCallback, useEffect, useState } from 'react';

/** The parts of the page URL the app routes by. */
export interface AppLocation {
  pathname: string;
  search: string;
}

function current(): AppLocation {
  return { pathname: window.location.pathname, search: window.location.search };
}

/** The current location and a `navigate` that changes it without reloading the page. */
export function useAppLocation(): {
  location: AppLocation;
  navigate: (url: string, replace?: boolean) => void;
} {
  const [location, setLocation] = useState<AppLocation>(current);

  useEffect(() => {
    const onPop = (): void => setLocation(current());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((url: string, replace = false): void => {
    if (replace) {
      window.history.replaceState(null, '', url);
    } else {
      window.history.pushState(null, '', url);
    }
    setLocation(current());
  }, []);

  return { location, navigate };
}

/**
 * Whether a click on a same-app link should be handled in the page: a plain
 * primary click (no modifier keys, no `target`), so Ctrl/Cmd-click still opens
 * a new tab.
 */
export function isPlainClick(event: React.MouseEvent<HTMLAnchorElement>): boolean {
  return (
    event.button === 0 &&
    !event.metaKey &&
    !event.ctrlKey &&
    !event.shiftKey &&
    !event.altKey &&
    !event.currentTarget.target
  );
}
