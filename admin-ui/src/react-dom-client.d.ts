// react-dom 18 ships no types and @types/react-dom is not installed: the one entry point the app uses.
declare module 'react-dom/client' {
  import type { ReactNode } from 'react';

  /** A React 18 root. */
  export interface Root {
    render(children: ReactNode): void;
    unmount(): void;
  }

  /** Creates a concurrent React root in `container`. */
  export function createRoot(container: Element | DocumentFragment): Root;
}
