import React, { createContext, useContext } from 'react';

import type { AppLocation } from './use-location';
import { isPlainClick } from './use-location';

/** Where the app is and how it moves between pages. */
export interface Navigation {
  /** The admin pages' root, ending in `/`. */
  adminUrl: string;
  location: AppLocation;
  navigate: (url: string, replace?: boolean) => void;
}

const NavigationContext = createContext<Navigation | null>(null);

/** Provides the {@link Navigation} to the pages. */
export const NavigationProvider = NavigationContext.Provider;

/** The app's {@link Navigation}; throws outside a {@link NavigationProvider}. */
export function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) {
    throw new Error('useNavigation() needs a <NavigationProvider> above it');
  }
  return navigation;
}

/** Props of {@link AppLink}. */
export interface AppLinkProps extends React.AnchorHTMLAttributes<HTMLAnchorElement> {
  href: string;
}

/** A real link to a page of the app; a plain click moves there without reloading. */
export function AppLink({ href, onClick, ...rest }: AppLinkProps): React.ReactElement {
  const { navigate } = useNavigation();
  return (
    <a
      {...rest}
      href={href}
      onClick={(event) => {
        onClick?.(event);
        if (!event.defaultPrevented && isPlainClick(event)) {
          event.preventDefault();
          navigate(href);
        }
      }}
    />
  );
}
