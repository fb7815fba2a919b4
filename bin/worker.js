// Worker-thread entry: loads the TypeScript document worker through tsx, as bin/ziping.js does
// for the CLI (loader hooks are per thread, so each worker registers its own).
import { register } from 'tsx/esm/api';

register();
await import('../pipeline/worker.ts');
