import { clientPlugin } from './plugin';

export { TuringClient } from './client';
export type { TuringClientOptions } from './client';
export { TuringConnection, parseJson } from './connection';
export type { ITuringConnection, TuringConnectionOptions } from './connection';
export { XSRF_COOKIE, XSRF_HEADER, readCookie } from './cookies';
export { EnvironmentsClient } from './environments-client';
export type { IEnvironmentsClient, SpawnProgressOptions } from './environments-client';
export {
  TuringApiError,
  TuringLoginRequiredError,
  describeError,
  errorFromProblem,
  errorSentence,
  parseRetryAfter,
  retryHint,
} from './errors';
export type { ErrorDescription, PluralTranslator, TuringApiErrorOptions } from './errors';
export { JOB_LIMITS } from './job-limits';
export type { JobLimits } from './job-limits';
export { JobsClient } from './jobs-client';
export type { FollowOptions, IJobsClient, OwnerOptions } from './jobs-client';
export { normalizeEnvironments } from './normalize';
export { CLIENT_PLUGIN_ID, hubContextFromPageConfig } from './plugin';
export { EventStreamParser, readEventStream } from './sse';
export { ITuringClient } from './tokens';
export * from './types';
export { hubBaseUrl, hubLoginUrl, serviceUrl, userServerUrl } from './urls';
export type { HubContext } from './urls';

export default [clientPlugin];
export { ModelsClient, encodeFilePath, modelPredictUrl } from './models-client';
export type { IModelsClient, ModelsClientOptions, PredictOptions, UploadFileOptions } from './models-client';
export type * from './model-types';
export { fetchUploadTransport, xhrUploadTransport } from './upload-transport';
export type { UploadAnswer, UploadRequest, UploadTransport } from './upload-transport';
export { formatByteSize, tooLargeError, uploadVersion } from './version-upload';
export type { UploadVersionOptions, VersionFileSource, VersionUploadProgress } from './version-upload';
