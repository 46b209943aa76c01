import { describe, expect, it } from 'vitest';

import { pageFromPath } from './pages';
import { serviceLocation, servicePrefix } from './service-location';

describe('service location', () => {
  it('takes the service prefix from the page path', () => {
    expect(servicePrefix('/services/turing/admin/')).toBe('/services/turing/');
    expect(servicePrefix('/services/turing/admin/quotas')).toBe('/services/turing/');
    expect(servicePrefix('/jh/services/turing/admin')).toBe('/jh/services/turing/');
  });

  it('derives the API and the hub login from the prefix', () => {
    expect(serviceLocation('/jh/services/turing/admin/gpus')).toEqual({
      serviceUrl: '/jh/services/turing/',
      adminUrl: '/jh/services/turing/admin/',
      apiUrl: '/jh/services/turing/api/v1/',
      hubLoginUrl: '/jh/hub/login',
    });
  });

  it('prefers the data attributes hub-proxy writes on <html>', () => {
    const place = serviceLocation('/elsewhere/admin/', {
      turingPrefix: '/services/turing/',
      turingApi: '/services/turing/api/v1',
    });
    expect(place.serviceUrl).toBe('/services/turing/');
    expect(place.apiUrl).toBe('/services/turing/api/v1/');
    expect(place.hubLoginUrl).toBe('/hub/login');
  });
});

describe('pageFromPath', () => {
  it('routes each page by its segment, and the root to the first page', () => {
    const admin = '/services/turing/admin/';
    expect(pageFromPath(`${admin}audit`, admin)).toBe('audit');
    expect(pageFromPath(`${admin}gpus/`, admin)).toBe('gpus');
    expect(pageFromPath(admin, admin)).toBe('environments');
    expect(pageFromPath(`${admin}nope`, admin)).toBe('environments');
  });
});
