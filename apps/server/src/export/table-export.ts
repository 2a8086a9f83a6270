/**
 * Tables exported for download (业务统计导出; R25): CSV with a UTF-8 byte order mark, so that
 * Excel opens Chinese text as UTF-8 rather than the local code page, and a minimal Excel
 * workbook (.xlsx, ECMA-376 SpreadsheetML) — one worksheet per table, inline strings, numbers as
 * numbers — written by our own code over a stored ZIP instead of an xlsx library: the exports
 * are plain tables, and a writer of these few parts is shorter than a dependency's audit.
 */
import { storedZip } from './stored-zip.js';

export type Cell = string | number;

/** A named table: a header row and data rows. */
export interface ExportTable {
  /** The worksheet name (Excel: at most 31 characters, none of `[]:*?/\`). */
  readonly name: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused. */
function csvField(cell: Cell): string {
  if (typeof cell === 'number') return String(cell);
  // a text starting like a formula would be run by Excel (CSV injection): prefix it with '
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The tables as one CSV (a blank line between tables), BOM first, CRLF line ends (RFC 4180). */
export function tablesToCsv(tables: readonly ExportTable[]): Buffer {
  const lines = tables.flatMap((table, index) => [
    ...(index > 0 ? [''] : []),
    ...[table.header, ...table.rows].map((row) => row.map(csvField).join(',')),
  ]);
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '') // not allowed in XML 1.0
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A1-style column letters of a 0-based index. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function sheetXml(table: ExportTable): string {
  const rows = [table.header, ...table.rows].map((row, r) => {
    const cells = row.map((cell, c) => {
      const ref = `${columnName(c)}${r + 1}`;
      return typeof cell === 'number'
        ? `<c r="${ref}"><v>${cell}</v></c>`
        : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(cell)}</t></is></c>`;
    });
    return `<row r="${r + 1}">${cells.join('')}</row>`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    `<sheetData>${rows.join('')}</sheetData></worksheet>`
  );
}

const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/g;

/** The tables as an .xlsx workbook, one worksheet each, in order. */
export function tablesToXlsx(tables: readonly ExportTable[]): Buffer {
  const xml = (text: string) =>
    Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${text}`);
  const sheets = tables.map((table, i) => ({
    name: xmlText(table.name.replace(SHEET_NAME_FORBIDDEN, ' ').slice(0, 31)),
    file: `worksheets/sheet${i + 1}.xml`,
    id: i + 1,
  }));
  return storedZip([
    {
      name: '[Content_Types].xml',
      data: xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
          '<Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
          sheets
            .map(
              (s) =>
                `<Override PartName="/xl/${s.file}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
            )
            .join('') +
          '</Types>',
      ),
    },
    {
      name: '_rels/.rels',
      data: xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
          '</Relationships>',
      ),
    },
    {
      name: 'xl/workbook.xml',
      data: xml(
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
          sheets.map((s) => `<sheet name="${s.name}" sheetId="${s.id}" r:id="rId${s.id}"/>`).join('') +
          '</sheets></workbook>',
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          sheets
            .map(
              (s) =>
                `<Relationship Id="rId${s.id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="${s.file}"/>`,
            )
            .join('') +
          '</Relationships>',
      ),
    },
    ...tables.map((table, i) => ({ name: `xl/${sheets[i]!.file}`, data: Buffer.from(sheetXml(table)) })),
  ]);
}
