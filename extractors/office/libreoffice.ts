/**
 * Office binaries (.xls/.et, .doc/.wps) converted to OOXML by LibreOffice, headless, so the
 * OOXML readers can read them. Each process keeps its own LibreOffice profile (two workers can
 * convert at once) and converts one file at a time. Macros are never run: a headless conversion
 * loads documents with LibreOffice's default macro security, which does not execute them.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Extraction, InputError } from '../types.js';
import { sniffOffice, type ZipEntry } from './container.js';

/** A conversion taking longer than this is given up. @default 120 s */
export const CONVERSION_TIMEOUT_MS = 120_000;

let onPath: string | null | undefined;

const executable = (file: string): boolean => {
  try { accessSync(file, constants.X_OK); return true; } catch { return false; }
};

/** The soffice executable: $ZIPING_SOFFICE when set, else soffice on PATH; null when LibreOffice is not installed. */
export function findSoffice(): string | null {
  const chosen = process.env.ZIPING_SOFFICE;
  if (chosen !== undefined) return chosen !== '' && executable(chosen) ? chosen : null;
  onPath ??= (process.env.PATH ?? '').split(delimiter).flatMap((dir) => [join(dir, 'soffice'), join(dir, 'libreoffice')]).find(executable) ?? null;
  return onPath;
}

let profile: string | null = null;
let queue: Promise<unknown> = Promise.resolve();

function run(file: string, args: string[]): Promise<{ stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: CONVERSION_TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr: String(stderr) }));
      else resolve({ stderr: String(stderr) });
    });
  });
}

/**
 * Convert an office binary with LibreOffice: `from` names the sniffed input format (the file's own
 * extension may lie), `to` the OOXML format wanted. `needs` names the Debian package to install.
 */
export async function convertWithLibreOffice(bytes: Uint8Array, path: string, from: 'xls' | 'doc' | 'rtf', to: 'xlsx' | 'docx', needs: string): Promise<Uint8Array> {
  const soffice = findSoffice();
  if (!soffice) throw new InputError(path, `a .${from} file needs LibreOffice (soffice) to convert; install ${needs}`);
  const task = queue.then(async () => {
    if (!profile) {
      profile = mkdtempSync(join(tmpdir(), 'ziping-lo-profile-'));
      const own = profile;
      process.once('exit', () => rmSync(own, { recursive: true, force: true }));
    }
    const work = mkdtempSync(join(tmpdir(), 'ziping-lo-'));
    try {
      const input = join(work, `input.${from}`);
      writeFileSync(input, bytes);
      try {
        await run(soffice, [`-env:UserInstallation=${pathToFileURL(profile).href}`, '--headless', '--norestore', '--nologo', '--nodefault', '--nolockcheck',
          '--convert-to', to, '--outdir', work, input]);
      } catch (error) {
        const e = error as Error & { killed?: boolean; stderr?: string };
        if (e.killed) throw new InputError(path, `LibreOffice did not convert it within ${CONVERSION_TIMEOUT_MS / 1000} s`);
        throw new InputError(path, `LibreOffice could not convert it: ${(e.stderr ?? e.message).trim().split('\n')[0]}`);
      }
      const output = join(work, `input.${to}`);
      if (!existsSync(output)) throw new InputError(path, `LibreOffice could not convert it (no .${to} written: damaged or password-protected?)`);
      return new Uint8Array(readFileSync(output));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
  queue = task.catch(() => undefined);
  return task;
}

/**
 * An office binary (or RTF) converted by LibreOffice, then read by the OOXML reader `read` from the
 * converted bytes and their zip entries; `from` says what the file was, for the document's warnings.
 */
export async function readConverted(bytes: Uint8Array, path: string, formats: { from: 'xls' | 'doc' | 'rtf'; to: 'xlsx' | 'docx'; needs: string; was: string },
  read: (converted: Uint8Array, path: string, entries: readonly ZipEntry[]) => Promise<Extraction>): Promise<Extraction> {
  const converted = await convertWithLibreOffice(bytes, path, formats.from, formats.to, formats.needs);
  const listed = sniffOffice(converted);
  if (!listed.entries) throw new InputError(path, `LibreOffice wrote an unreadable .${formats.to}`);
  const extraction = await read(converted, path, listed.entries);
  return { ...extraction, warnings: [`converted from ${formats.was} by LibreOffice`, ...extraction.warnings] };
}
