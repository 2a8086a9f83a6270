/**
 * Which legal-person registry the platform asks (R26; design §4 simulators): the CLI and the
 * service share `openRegistry`, so both fall back to the seeded simulator only on the embedded
 * default and refuse to guess on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { HttpLegalPersonRegistry, LegalPersonRegistrySimulator } from '@yizheng/connectors';
import { openRegistry } from '../src/index.js';

describe('openRegistry', () => {
  it('ok/embedded default: the seeded simulator; YIZHENG_REGISTRY_URL or a choice names another', async () => {
    const simulator = openRegistry(undefined, { embedded: true, env: {} });
    expect(simulator).toBeInstanceOf(LegalPersonRegistrySimulator);
    expect(await simulator.lookup('91330106MA2B3C4D5D')).toMatchObject({ name: '杭州某某科技有限公司' });
    const env = {
      YIZHENG_REGISTRY_URL: 'http://registry.example.invalid:8088',
      YIZHENG_REGISTRY_TIMEOUT_MS: '1500',
    };
    expect(openRegistry(undefined, { embedded: true, env })).toBeInstanceOf(HttpLegalPersonRegistry);
    expect(openRegistry('sim', { embedded: false, env })).toBeInstanceOf(LegalPersonRegistrySimulator);
  });

  it('error/PostgreSQL without a registry is YZ_ERR_REGISTRY_UNAVAILABLE; a bad timeout YZ_ERR_CONFIG', () => {
    expect(() => openRegistry(undefined, { embedded: false, env: {} })).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_REGISTRY_UNAVAILABLE' }),
    );
    expect(() =>
      openRegistry('http://registry.example.invalid', {
        embedded: false,
        env: { YIZHENG_REGISTRY_TIMEOUT_MS: 'soon' },
      }),
    ).toThrow(expect.objectContaining({ code: 'YZ_ERR_CONFIG' }));
  });
});
