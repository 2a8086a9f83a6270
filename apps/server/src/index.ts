/**
 * @yizheng/server — the running platform (issue 5): HTTP API, publication endpoints, OCSP and
 * LDAP (embedded server and external publisher), over the CA core. Also the composition root the
 * CLI shares (`openPlatform`).
 */
export * from './errors.js';
export * from './config.js';
export * from './platform.js';
export * from './registry.js';
export * from './app.js';
export * from './serve.js';
export * from './scheduler.js';
export * from './ldap-service.js';
export * from './auth/access.js';
export * from './auth/principal.js';
export { LOGIN_RATE_LIMITS } from './routes/session-routes.js';
export { UNLOCK_RATE_LIMITS } from './routes/media-routes.js';
