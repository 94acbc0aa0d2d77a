/** Prometheus metrics and the health check of a running bot (`/metrics`, `/health`). */
export { type HealthReport, evaluateHealth, marketHealthy } from './health.js';
export { type OpsRoute, opsRoute } from './http-routes.js';
export { type MetricsServer, startMetricsServer } from './metrics-server.js';
export { type MetricsRuntime, type RuntimeMetrics, type RuntimeMetricsOptions, createRuntimeMetrics } from './registry.js';
