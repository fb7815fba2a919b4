/**
 * Print the blocks an input yields (text lines and tables, cells separated by " | "), to see what
 * the extractors read before forms are built: `npx tsx scripts/show-tables.ts <file> [page]`.
 */
import { readFileSync } from 'node:fs';
import { chooseExtractor } from '../extractors/index.js';

const [path, pageArg] = process.argv.slice(2);
if (!path) {
  console.error('usage: tsx scripts/show-tables.ts <file> [page]');
  process.exit(2);
}
const bytes = readFileSync(path);
const extraction = await (await chooseExtractor(path, bytes)).extract(bytes, path);
const onPage = (page: number | null | undefined): boolean => !pageArg || page === Number(pageArg);
for (const block of extraction.blocks) {
  if (block.kind === 'text') {
    if (onPage(block.page)) console.log(`text  p${block.page ?? '-'} l${block.line}  ${block.text}`);
    continue;
  }
  if (!onPage(block.table.rows[0]?.[0]?.origin.page)) continue;
  console.log(`table ${block.table.index} (${block.table.format}, ${block.table.rows.length} rows)`);
  for (const row of block.table.rows) console.log(`   ${row.map((c) => c.text.replace(/\n/g, '⏎')).join(' | ')}`);
}
for (const message of [...extraction.warnings, ...(extraction.errors ?? [])]) console.error(message);
