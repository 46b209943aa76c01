export { createApp, type AppDeps, type HubProxyApp } from './app.js';
export { createOpsApp, type OpsAppDeps } from './observability/ops-app.js';
export { startHubProxy, type HubProxyExtras, type HubProxyHandle, type ShutdownHook } from './server.js';
export { loadConfig, ConfigError, type ConfigSources } from './config/load.js';
export { configSchema, type Config, type ConfigInput } from './config/schema.js';
export * from './http/errors.js';
export * from './errors/index.js';
export { mapError, toHttpError, type ErrorSeverity, type MappedError } from './http/error-mapping.js';
export {
  problemBody,
  problemHandler,
  problemSchema,
  sendProblem,
  notFound,
  type Problem,
} from './http/problem.js';
export {
  defineRoute,
  toOpenApiPath,
  type AuthLevel,
  type HandlerInput,
  type MediaDoc,
  type RouteDefinition,
  type RouteDoc,
  type RouteMethod,
  type RouteSpec,
} from './http/route.js';
export {
  defineStreamRoute,
  formatSseEvent,
  type SseEvent,
  type StreamHandlerInput,
  type StreamReply,
  type StreamRouteSpec,
} from './http/streaming-route.js';
export { buildOpenApi, type OpenApiInfo } from './http/openapi.js';
export * from './http/pagination.js';
export { parseInput, parseInputs, toFieldErrors } from './http/validation.js';
export { requestContext, type RequestContext } from './http/context.js';
export { REQUEST_ID_HEADER } from './http/request-id.js';
export { HubClient, type HubClientOptions, type OAuthTokens } from './auth/hub-client.js';
export { IdentityResolver, tokenKey, type IdentityResolverOptions } from './auth/identity-resolver.js';
export { hasScope, type HubIdentity, type Identity } from './auth/identity.js';
export { TtlCache, type TtlCacheOptions } from './auth/ttl-cache.js';
export { authenticate, wantsLoginRedirect, readCredential, type AuthSettings } from './auth/authenticate.js';
export { passesCsrf, XSRF_COOKIE, XSRF_HEADER, type CsrfInput } from './auth/csrf.js';
export { safeSlug, SLUG_MAX_LENGTH } from './ownership/slug.js';
export {
  canAccess,
  isOwner,
  ownerLabelValue,
  ownerMetadata,
  ownerSelector,
  type Actor,
  type OwnedMeta,
} from './ownership/ownership.js';
export { LABELS, ANNOTATIONS } from './ownership/labels.js';
export { createLogger, redactUrl, type Logger, type LoggerSettings } from './observability/logger.js';
export * from './observability/metrics.js';
export {
  runReadinessChecks,
  hubReachableCheck,
  type ReadinessCheck,
  type ReadinessReport,
  type ReadinessResult,
} from './observability/readiness.js';
export {
  OwnedObjects,
  type Mutator,
  type OwnedListQuery,
  type OwnedObject,
  type OwnedObjectStore,
  type StorePage,
} from './ownership/owned-objects.js';
export { collectStatus, processInfo, type ProcessInfo, type StatusProvider } from './observability/status.js';
export { assembleHubProxy, AssemblyError, type AssembledHubProxy } from './assemble.js';
export {
  defineFeature,
  ServiceKey,
  type Feature,
  type FeatureContext,
  type FeatureParts,
} from './feature.js';
export { FEATURES, loadHubProxyConfig, type HubProxyConfig } from './features.js';
export type { ConfigSection } from './config/config-section.js';
