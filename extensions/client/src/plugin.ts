import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { TuringClient } from './client';
import { ITuringClient } from './tokens';
import type { HubContext } from './urls';
import { hubLoginUrl } from './urls';

/** The plugin id; its settings schema is `schema/plugin.json`. */
export const CLIENT_PLUGIN_ID = '@turing/client:plugin';

/** Reads the JupyterHub facts JupyterLab's page config carries. */
export function hubContextFromPageConfig(): HubContext {
  return {
    hubHost: PageConfig.getOption('hubHost'),
    hubPrefix: PageConfig.getOption('hubPrefix'),
    baseUrl: PageConfig.getBaseUrl(),
    user: PageConfig.getOption('hubServerUser') || PageConfig.getOption('hubUser'),
    serverName: PageConfig.getOption('hubServerName'),
  };
}

async function serviceNameSetting(registry: ISettingRegistry | null): Promise<string> {
  if (!registry) {
    return 'turing';
  }
  try {
    const settings = await registry.load(CLIENT_PLUGIN_ID);
    const name = settings.composite.serviceName;
    return typeof name === 'string' && name !== '' ? name : 'turing';
  } catch (error) {
    console.warn('Turing: could not load the client settings; using the defaults.', error);
    return 'turing';
  }
}

/** Creates the page's one {@link ITuringClient}. */
export const clientPlugin: JupyterFrontEndPlugin<ITuringClient> = {
  id: CLIENT_PLUGIN_ID,
  description: 'Provides the typed client of the Turing hub-proxy API.',
  autoStart: true,
  provides: ITuringClient,
  optional: [ISettingRegistry],
  activate: async (_app: JupyterFrontEnd, registry: ISettingRegistry | null): Promise<ITuringClient> => {
    const hub = hubContextFromPageConfig();
    const serviceName = await serviceNameSetting(registry);
    return new TuringClient({
      hub,
      serviceName,
      loginUrl: hubLoginUrl(hub, window.location.pathname + window.location.search),
    });
  },
};
