/**
 * @yizheng/connectors — the core's ports to external systems (design §4), each as an HTTP adapter
 * and a seeded simulator: so far the provincial legal-person registry (法人综合库, R26, R23).
 */
export * from './legal-person-registry-http.js';
export * from './legal-person-registry-simulator.js';
export * from './legal-person-registry-wire.js';
export * from './registry-seed.js';
