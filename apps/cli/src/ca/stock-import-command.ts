/**
 * `yizheng import PATH… [--manifest FILE] [--ca ID]` (存量证书导入, R16): the earlier system's
 * certificates — PEM files (one or many certificates each), DER files, or directories walked
 * recursively for .pem/.crt/.cer/.der — with a progress bar on stderr and a summary on stdout.
 * Exit 0 when nothing failed, 1 when some certificate was refused (each listed with its code).
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import {
  type ImportManifest,
  type StockSource,
  importStockCertificates,
  parseImportManifest,
} from '@yizheng/core';
import { CliError, Exit } from '../cli-error.js';
import { parseOptions, readInput } from '../io.js';
import { withPlatform } from './context.js';

const OPERATOR = process.env.YIZHENG_OPERATOR ?? `cli:${process.env.USER ?? 'operator'}`;
const CERTIFICATE_FILES = new Set(['.pem', '.crt', '.cer', '.der']);

/** The files of `path`: itself when a file (any name), else its certificate files, sorted, recursively. */
function certificateFiles(path: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new CliError(
      'YZ_ERR_FILE',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  if (!isDirectory) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return certificateFiles(child);
      return entry.isFile() && CERTIFICATE_FILES.has(extname(entry.name).toLowerCase()) ? [child] : [];
    });
}

/** A manifest refused whole when any row is bad: nothing is imported from half a clean-up. */
function readManifest(file: string): ImportManifest {
  const { manifest, errors } = parseImportManifest(
    readInput(file),
    extname(file).toLowerCase() === '.json' ? 'json' : 'csv',
  );
  if (errors.length)
    throw new CliError(
      'YZ_ERR_USAGE',
      `${file} has ${errors.length} bad row(s), nothing was imported:\n` +
        errors.map((e) => `  ${e.line ? `line ${e.line}` : 'file'}: ${e.message}`).join('\n'),
    );
  return manifest;
}

/** A one-line bar on stderr, redrawn at each whole percent (not for each of thousands). */
function progressBar(label: string): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    const percent = Math.floor((100 * done) / total);
    if (percent === shown) return;
    shown = percent;
    const filled = Math.round((30 * done) / total);
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${total} ${percent}%`,
    );
  };
}

/** import PATH… [--manifest FILE] [--ca ID] */
export async function stockImport(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    strings: ['data', 'manifest', 'ca'],
    positionals: Number.MAX_SAFE_INTEGER,
  });
  if (positionals.length === 0)
    throw new CliError('YZ_ERR_USAGE', 'give certificate files or directories: yizheng import PATH…');
  const manifest = values.manifest ? readManifest(values.manifest) : undefined;
  const sources: StockSource[] = positionals
    .flatMap(certificateFiles)
    .map((file) => ({ name: file, data: readInput(file) }));
  if (sources.length === 0)
    throw new CliError('YZ_ERR_USAGE', `no .pem, .crt, .cer or .der files under ${positionals.join(', ')}`);
  return withPlatform(values, async (p) => {
    const summary = await importStockCertificates(p, {
      sources,
      channel: 'cli',
      actor: OPERATOR,
      ...(manifest ? { manifest } : {}),
      ...(values.ca ? { caId: values.ca } : {}),
      onProgress: progressBar('importing 导入中'),
    });
    process.stderr.write('\n');
    for (const r of summary.results)
      if (r.outcome === 'failed')
        process.stdout.write(
          `${r.item}${r.serial ? ` (serial ${r.serial})` : ''}: ${r.code}: ${r.message}\n`,
        );
    const pairs = new Set(
      summary.results.flatMap((r) => (r.outcome === 'imported' ? [r.record.pairId] : [])),
    );
    process.stdout.write(
      `${summary.imported} imported 已导入 (${pairs.size} pair(s) or single certificates), ` +
        `${summary.duplicate} duplicate 重复, ${summary.failed} failed 失败\n`,
    );
    return summary.failed ? Exit.NO : Exit.OK;
  });
}
