import '@turing/ui/style/index.css';
import '../style/theme-light.css';
import '../style/theme-dark.css';
import '../style/admin.css';
import '../style/pages.css';

import { TuringLoginRequiredError } from '@turing/client/lib/errors';
import React from 'react';
import { createRoot } from 'react-dom/client';

import { AdminApiClient } from './api/admin-api-client';
import { ApiProvider } from './api/api-context';
import { App } from './app/app';
import { serviceLocation } from './app/service-location';

const place = serviceLocation(window.location.pathname, document.documentElement.dataset);
const next = window.location.pathname + window.location.search;
const client = new AdminApiClient({
  apiUrl: place.apiUrl,
  serviceUrl: place.serviceUrl,
  loginUrl: `${place.hubLoginUrl}?next=${encodeURIComponent(next)}`,
});

// A page left open after the hub session ended: the next request goes through the login.
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof TuringLoginRequiredError) {
    window.location.assign(event.reason.loginUrl);
  }
});

const container = document.getElementById('turing-admin-root');
if (container) {
  createRoot(container).render(
    <ApiProvider client={client}>
      <App adminUrl={place.adminUrl} />
    </ApiProvider>,
  );
}
