import type { ModelVersion, ModelView } from '@turing/client';

/** How a version takes part in the traffic split. */
export type VersionRole = 'stable' | 'canary' | 'stored';

/** One row of the versions table. */
export interface VersionRow {
  version: ModelVersion;
  role: VersionRole;
  /** Its share of the traffic, 0-100. */
  percent: number;
  /** Whether a ready replica serves it now. */
  loaded: boolean;
}

/** The model's versions, newest first, with their role and traffic share. */
export function versionRows(model: Pick<ModelView, 'versions' | 'traffic' | 'status'>): VersionRow[] {
  const traffic = model.traffic;
  const canary = traffic?.canary !== undefined && traffic.canaryPercent > 0 ? traffic.canary : undefined;
  return [...model.versions]
    .sort((a, b) => b.version - a.version)
    .map((version) => {
      const role: VersionRole =
        traffic?.stable === version.version ? 'stable' : canary === version.version ? 'canary' : 'stored';
      const percent =
        role === 'stable'
          ? 100 - (canary === undefined ? 0 : (traffic?.canaryPercent ?? 0))
          : role === 'canary'
            ? (traffic?.canaryPercent ?? 0)
            : 0;
      return { version, role, percent, loaded: model.status.servingVersions.includes(version.version) };
    });
}
