import { readFileSync } from 'node:fs';
import { processDocument } from '../pipeline/process.js';
const f = process.argv[2]!;
const doc = await processDocument(f, readFileSync(f));
console.error(doc.status, doc.records.length, 'records', doc.otherTables.length, 'other tables', JSON.stringify(doc.issues));
for (const r of doc.records) console.log(JSON.stringify(r));
