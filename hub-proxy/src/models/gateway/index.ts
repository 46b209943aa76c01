export type { Endpoint, EndpointSource } from './endpoint-source.js';
export { StaticEndpointSource } from './static-endpoint-source.js';
export {
  ModelGateway,
  type GatewayModelRoute,
  type GatewayStats,
  type ModelGatewayOptions,
} from './model-gateway.js';
export type { StatsPoint, WindowSummary } from './request-stats.js';
export { MODEL_VERSION_HEADER } from './forward-headers.js';
export { GatewayTimeoutError, writeProblem } from './gateway-errors.js';
export { NodeHttpTransport, type NodeHttpTransportOptions } from './node-http-transport.js';
export type {
  UpstreamCall,
  UpstreamCallbacks,
  UpstreamFailure,
  UpstreamFailureKind,
  UpstreamRequest,
  UpstreamResponse,
  UpstreamTransport,
} from './transport.js';
