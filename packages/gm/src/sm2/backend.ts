/**
 * Chooses the SM2 backend once per process: the native addon when it was built and passes a
 * known-answer self-test, else pure TypeScript — saying so once on stderr, as the issue asks.
 * `YIZHENG_GM_NATIVE=0` forces TypeScript; `YIZHENG_GM_NATIVE=/path/to/addon.node` loads another
 * build of the addon (the fallback test points it at a missing file).
 */
import { createRequire } from 'node:module';
import { fromHex, toHex } from '../bytes.js';
import { SM2_CURVE, type Sm2Backend, typescriptBackend } from './curve.js';

/** The addon's exports (native/sm2p256.c). */
interface NativeModule {
  mulBase(k: Uint8Array): Uint8Array | null;
  mul(k: Uint8Array, point: Uint8Array): Uint8Array | null;
  mulAdd(s: Uint8Array, t: Uint8Array, point: Uint8Array): Uint8Array | null;
  sign(d: Uint8Array, e: Uint8Array, rand: Uint8Array): Uint8Array | null;
  verify(point: Uint8Array, e: Uint8Array, r: Uint8Array, s: Uint8Array): boolean;
  isOnCurve(point: Uint8Array): boolean;
}

/** Why the native backend is not in use, if it is not. */
export let nativeUnavailableReason: string | null = null;

function loadNative(): Sm2Backend | null {
  if (process.env.YIZHENG_GM_NATIVE === '0') {
    nativeUnavailableReason = 'disabled by YIZHENG_GM_NATIVE=0';
    return null;
  }
  try {
    const require = createRequire(import.meta.url);
    // src/sm2/ and dist/sm2/ are both two levels below the package root.
    const override = process.env.YIZHENG_GM_NATIVE;
    const path = override?.endsWith('.node') ? override : '../../build/Release/yizheng_sm2.node';
    const addon = require(path) as NativeModule;
    const backend: Sm2Backend = {
      name: 'native',
      curve: SM2_CURVE,
      mulBase: (k) => addon.mulBase(k),
      mul: (k, point) => addon.mul(k, point),
      mulAdd: (s, t, point) => addon.mulAdd(s, t, point),
      signDigest: (d, e, rand) => addon.sign(d, e, rand),
      verifyDigest: (point, e, r, s) => addon.verify(point, e, r, s),
      isOnCurve: (point) => addon.isOnCurve(point),
    };
    selfTest(backend);
    return backend;
  } catch (error) {
    nativeUnavailableReason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return null;
  }
}

/** GB/T 32918.5 Annex A: the native result must equal the standard's r‖s before we trust it. */
function selfTest(backend: Sm2Backend): void {
  const d = fromHex('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8');
  const e = fromHex('F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640');
  const k = fromHex('59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21');
  const rs = backend.signDigest(d, e, k);
  const expected =
    'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3' +
    'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa';
  if (!rs || toHex(rs) !== expected) throw new Error('native SM2 self-test failed');
}

let chosen: Sm2Backend | null = null;

/** The backend in use (decided on first call). */
export function sm2Backend(): Sm2Backend {
  if (!chosen) {
    chosen = loadNative() ?? typescriptBackend;
    if (chosen === typescriptBackend && process.env.YIZHENG_GM_NATIVE !== '0') {
      process.emitWarning(
        `native SM2 accelerator unavailable (${nativeUnavailableReason}); using pure TypeScript`,
        { code: 'YIZHENG_GM_NO_NATIVE' },
      );
    }
  }
  return chosen;
}

/** Replaces the backend (tests run every suite against both). Returns the previous one. */
export function useSm2Backend(backend: Sm2Backend): Sm2Backend {
  const previous = sm2Backend();
  chosen = backend;
  return previous;
}
