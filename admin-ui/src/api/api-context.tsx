import React, { createContext, useContext } from 'react';

import type { AdminApiClient } from './admin-api-client';

const ApiContext = createContext<AdminApiClient | null>(null);

/** Props of {@link ApiProvider}. */
export interface ApiProviderProps {
  client: AdminApiClient;
  children: React.ReactNode;
}

/** Gives every page below it the one {@link AdminApiClient}. */
export function ApiProvider({ client, children }: ApiProviderProps): React.ReactElement {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

/** The page's {@link AdminApiClient}; throws outside an {@link ApiProvider}. */
export function useApi(): AdminApiClient {
  const client = useContext(ApiContext);
  if (!client) {
    throw new Error('useApi() needs an <ApiProvider> above it');
  }
  return client;
}
