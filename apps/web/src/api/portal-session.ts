/**
 * Legal-person certificate login with a soft certificate (软证书登录, R34): ask the server for a
 * nonce (POST /session/challenge), sign its message `yizheng-login:<nonce>` in the page with the
 * soft key (SM2, ID 1234567812345678), and present the signing certificate and the signature
 * (POST /session/certificate, "as": "legal-person"); the session is kept like a password login's.
 */
import { toBase64, utf8 } from '@yizheng/gm';
import { type Session, call, rememberSession } from '../api.js';
import { SoftKeyError, listSoftKeys, softKeySign } from '../softkey/index.js';

interface Challenge {
  readonly nonce: string;
  readonly message: string;
}

export async function loginWithSoftKey(id: string, pin: string): Promise<Session> {
  const key = (await listSoftKeys()).find((k) => k.id === id);
  if (!key) throw new SoftKeyError('YZ_ERR_SOFTKEY_NOT_FOUND', `no soft key ${id} in this browser`);
  if (!key.signCertificate) {
    throw new SoftKeyError('YZ_ERR_SOFTKEY_NO_CERTIFICATE', 'this soft key has no certificate yet');
  }
  const challenge = await call<Challenge>('POST', '/session/challenge');
  // the server names the message; it must be the login prefix, so the key signs nothing else
  if (challenge.message !== `yizheng-login:${challenge.nonce}`) {
    throw new SoftKeyError(
      'YZ_ERR_SOFTKEY_INPUT',
      'the server asked to sign something other than a login challenge',
    );
  }
  const signature = await softKeySign(id, pin, utf8(challenge.message));
  const session = await call<Session>('POST', '/session/certificate', {
    as: 'legal-person',
    nonce: challenge.nonce,
    certificate: key.signCertificate,
    signature: toBase64(signature),
  });
  return rememberSession(session);
}
