import { trans } from './translation';

/** The admin pages, in navigation order. */
export const PAGE_IDS = ['environments', 'quotas', 'jobs', 'models', 'gpus', 'audit'] as const;

/** One admin page (its URL segment under `admin/`). */
export type PageId = (typeof PAGE_IDS)[number];

/** The (translated) heading and navigation label of a page. */
export function pageTitle(page: PageId): string {
  switch (page) {
    case 'environments':
      return trans.__('Environments');
    case 'quotas':
      return trans.__('Quotas');
    case 'jobs':
      return trans.__('Jobs and runs');
    case 'models':
      return trans.__('Models');
    case 'gpus':
      return trans.__('GPU usage');
    case 'audit':
      return trans.__('Audit log');
  }
}

/**
 * The page a path shows: the segment after `admin/` (`…/admin/quotas` ->
 * `quotas`); the admin root and unknown segments show the first page.
 */
export function pageFromPath(pathname: string, adminUrl: string): PageId {
  const rest = pathname.startsWith(adminUrl) ? pathname.slice(adminUrl.length) : '';
  const segment = rest.split('/')[0] ?? '';
  return (PAGE_IDS as readonly string[]).includes(segment) ? (segment as PageId) : 'environments';
}
