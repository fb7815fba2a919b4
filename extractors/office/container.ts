/**
 * Office containers sniffed by their bytes: a zip's central directory (OOXML .xlsx/.docx) and an
 * OLE compound file's directory (.xls/.doc/.et/.wps, and password-protected OOXML). Nothing here
 * inflates or parses a part; it lists names and declared sizes so a file can be routed, and a zip
 * bomb refused, before exceljs or mammoth see it.
 */
import { InputError } from '../types.js';

/** A zip whose parts would inflate past this many bytes is refused before any part is read. @default 200 MB */
export const MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;
/** More parts than any real workbook or document has. */
export const MAX_ZIP_ENTRIES = 20_000;

export interface ZipEntry { name: string; compressedSize: number; uncompressedSize: number; encrypted: boolean }

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;

/** Given a zip's bytes, return its central directory entries, or a reason it has none. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] | { corrupt: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) return { corrupt: 'no end of central directory (the file is truncated or damaged)' };
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const record = Number(view.getBigUint64(eocd - 12, true));
    if (record + 56 > bytes.length) return { corrupt: 'zip64 directory record outside the file' };
    count = Number(view.getBigUint64(record + 32, true));
    offset = Number(view.getBigUint64(record + 48, true));
  }
  if (count > MAX_ZIP_ENTRIES) return { corrupt: `${count} zip entries (more than ${MAX_ZIP_ENTRIES}): not an office file` };
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) return { corrupt: `central directory entry ${n + 1} of ${count} is damaged` };
    const flags = view.getUint16(at + 8, true);
    let compressedSize = view.getUint32(at + 20, true);
    let uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // zip64: sizes of 0xffffffff are in the extra field (id 1), uncompressed first
    if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff) {
      let e = at + 46 + nameLength;
      const end = e + extraLength;
      while (e + 4 <= end) {
        const id = view.getUint16(e, true);
        const size = view.getUint16(e + 2, true);
        if (id === 1) {
          let p = e + 4;
          if (uncompressedSize === 0xffffffff && p + 8 <= end) { uncompressedSize = Number(view.getBigUint64(p, true)); p += 8; }
          if (compressedSize === 0xffffffff && p + 8 <= end) compressedSize = Number(view.getBigUint64(p, true));
        }
        e += 4 + size;
      }
    }
    entries.push({ name, compressedSize, uncompressedSize, encrypted: (flags & 1) === 1 });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Refuse a zip whose declared sizes would inflate past the limit, or whose parts are encrypted. */
export function checkZip(path: string, entries: readonly ZipEntry[], limit = MAX_UNCOMPRESSED_BYTES): void {
  const total = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (total > limit) {
    const mb = (n: number): string => `${Math.round(n / 1024 / 1024)} MB`;
    throw new InputError(path, `zip bomb guard: its parts would inflate to ${mb(total)} (limit ${mb(limit)}); not read`);
  }
  if (entries.some((e) => e.encrypted)) throw new InputError(path, 'encrypted zip entries: the archive is password-protected; save an unprotected copy');
}

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export function isCompoundFile(bytes: Uint8Array): boolean {
  return CFB_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Given an OLE compound file, return the names of its storages and streams. Directory entries are
 * 128 bytes, aligned within sectors after the 512-byte header; an entry is recognised by a
 * plausible name length and object type, which is enough to route the file (Workbook, WordDocument,
 * EncryptedPackage) without walking the FAT.
 */
export function compoundFileNames(bytes: Uint8Array): Set<string> {
  const names = new Set<string>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 512; at + 128 <= bytes.length; at += 128) {
    const nameLength = view.getUint16(at + 64, true);
    const type = bytes[at + 66]!;
    if (nameLength < 4 || nameLength > 64 || nameLength % 2 !== 0 || (type !== 1 && type !== 2 && type !== 5)) continue;
    if (view.getUint16(at + nameLength - 2, true) !== 0) continue;
    let name = '';
    let plausible = true;
    for (let i = 0; i < nameLength - 2; i += 2) {
      const c = view.getUint16(at + i, true);
      if (c === 0) { plausible = false; break; }
      name += String.fromCharCode(c);
    }
    if (plausible) names.add(name);
  }
  return names;
}

export type OfficeKind = 'xlsx' | 'docx' | 'xls' | 'doc' | 'rtf' | 'encrypted';

/** `{\rtf`: Word and WPS save RTF under a .doc name, and old systems export it as .doc. */
const RTF_MAGIC = [0x7b, 0x5c, 0x72, 0x74, 0x66];

/** The office format of a file by its content: OOXML by its parts, binaries by their streams, RTF by its magic. */
export function sniffOffice(bytes: Uint8Array): { kind: OfficeKind | null; entries?: ZipEntry[]; corrupt?: string; streams?: Set<string> } {
  if (RTF_MAGIC.every((b, i) => bytes[i] === b)) return { kind: 'rtf' };
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const listed = zipEntries(bytes);
    if (!Array.isArray(listed)) return { kind: null, corrupt: listed.corrupt };
    const names = new Set(listed.map((e) => e.name));
    if (names.has('xl/workbook.xml') || names.has('xl/workbook.bin')) return { kind: 'xlsx', entries: listed };
    if (names.has('word/document.xml')) return { kind: 'docx', entries: listed };
    return { kind: null, entries: listed };
  }
  if (isCompoundFile(bytes)) {
    const streams = compoundFileNames(bytes);
    if (streams.has('EncryptedPackage') || streams.has('EncryptionInfo')) return { kind: 'encrypted', streams };
    if (streams.has('Workbook') || streams.has('Book') || streams.has('WORKBOOK')) return { kind: 'xls', streams };
    if (streams.has('WordDocument')) return { kind: 'doc', streams };
    return { kind: null, streams };
  }
  return { kind: null };
}
