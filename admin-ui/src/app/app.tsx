import React from 'react';

import { ConfirmProvider } from '../components/confirm-dialog';
import { AuditPage } from '../pages/audit/audit-page';
import { EnvironmentsPage } from '../pages/environments/environments-page';
import { GpusPage } from '../pages/gpus/gpus-page';
import { RunsPage } from '../pages/jobs/runs-page';
import { ModelsPage } from '../pages/models/models-page';
import { QuotasPage } from '../pages/quotas/quotas-page';
import { ThemeToggle } from '../theme/theme-toggle';
import { useTheme } from '../theme/use-theme';
import { AppLink, NavigationProvider } from './navigation';
import type { PageId } from './pages';
import { PAGE_IDS, pageFromPath, pageTitle } from './pages';
import { trans } from './translation';
import { useAppLocation } from './use-location';

function PageContent({ page }: { page: PageId }): React.ReactElement {
  switch (page) {
    case 'environments':
      return <EnvironmentsPage />;
    case 'quotas':
      return <QuotasPage />;
    case 'jobs':
      return <RunsPage />;
    case 'models':
      return <ModelsPage />;
    case 'gpus':
      return <GpusPage />;
    case 'audit':
      return <AuditPage />;
  }
}

/** Props of {@link App}. */
export interface AppProps {
  /** The admin pages' root, ending in `/`. */
  adminUrl: string;
}

/**
 * The admin pages: a banner with the theme choice, the navigation landmark
 * with the six pages (real links; the current one is `aria-current="page"`)
 * and the current page in `<main>`.
 */
export function App({ adminUrl }: AppProps): React.ReactElement {
  const { location, navigate } = useAppLocation();
  const theme = useTheme();
  const page = pageFromPath(location.pathname, adminUrl);

  return (
    <NavigationProvider value={{ adminUrl, location, navigate }}>
      <ConfirmProvider>
        <div className="jp-Turing-Admin">
          <a className="jp-Turing-Admin-skip" href="#turing-admin-main">
            {trans.__('Skip to content')}
          </a>
          <header className="jp-Turing-Admin-banner">
            <span className="jp-Turing-Admin-brand">{trans.__('Turing admin')}</span>
            <ThemeToggle preference={theme.preference} onChange={theme.choose} />
          </header>
          <nav className="jp-Turing-Admin-nav" aria-label={trans.__('Admin pages')}>
            <ul>
              {PAGE_IDS.map((id) => (
                <li key={id}>
                  <AppLink
                    href={`${adminUrl}${id}`}
                    aria-current={id === page ? 'page' : undefined}
                    data-testid={`nav-${id}`}
                  >
                    {pageTitle(id)}
                  </AppLink>
                </li>
              ))}
            </ul>
          </nav>
          <main id="turing-admin-main" className="jp-Turing-Admin-main jp-Turing-MainAreaView" tabIndex={-1}>
            <PageContent key={page} page={page} />
          </main>
        </div>
      </ConfirmProvider>
    </NavigationProvider>
  );
}
