/**
 * PEM text encoding (RFC 7468): `-----BEGIN LABEL-----`, base64 lines, `-----END LABEL-----`.
 * Decoding is strict about labels (BEGIN and END must match; a caller names the labels it
 * accepts) and lenient about whitespace, as RFC 7468 §3 asks of parsers.
 */
import { bytesToText, fromBase64, toBase64 } from './bytes.js';
import { GmError } from './errors.js';

/** One PEM block. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

/** PEM text for `der` under `label`, base64 wrapped at 64 columns. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/** Every PEM block in `text`, in order. YZ_ERR_PEM if there is none or one is malformed. */
export function decodePemBlocks(text: string): PemBlock[] {
  if (typeof text !== 'string') throw new TypeError('PEM input must be a string');
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const [, begin, body, end] = m as unknown as [string, string, string, string];
    if (begin !== end) throw new GmError('YZ_ERR_PEM', `PEM BEGIN ${begin} does not match END ${end}`);
    if (/^[A-Za-z-]+:/m.test(body)) {
      throw new GmError(
        'YZ_ERR_PEM',
        `PEM ${begin} has RFC 1421 headers (legacy encryption); convert it to PKCS#8`,
      );
    }
    const b64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new GmError('YZ_ERR_PEM', `PEM ${begin} body is not valid base64`);
    }
    blocks.push({ label: begin, der: fromBase64(b64) });
  }
  if (blocks.length === 0) throw new GmError('YZ_ERR_PEM', 'no PEM block found');
  return blocks;
}

/** The single PEM block of `text`, whose label must be one of `labels`. */
export function decodePem(text: string, labels: readonly string[]): PemBlock {
  const blocks = decodePemBlocks(text);
  if (blocks.length !== 1) throw new GmError('YZ_ERR_PEM', `expected one PEM block, found ${blocks.length}`);
  const block = blocks[0]!;
  if (!labels.includes(block.label)) {
    throw new GmError('YZ_ERR_PEM', `PEM label ${block.label} is not one of: ${labels.join(', ')}`);
  }
  return block;
}

/** Whether `data` looks like PEM text rather than DER bytes. */
export function looksLikePem(data: Uint8Array | string): boolean {
  const head = typeof data === 'string' ? data : bytesToText(data.subarray(0, 2048), 'latin1');
  return head.includes('-----BEGIN ');
}
