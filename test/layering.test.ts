/**
 * The folders are the architecture, and the lint rule keeps them so: each layer may import only
 * the layers below it. These checks lint a one-line module placed in each layer, so a change to the
 * rule that stops catching an upward import fails here, not in review.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering', () => {
  it.each([
    ['extractors/example.ts', "import { processDocument } from '../pipeline/process.js';"],
    ['layout/example.ts', "import { extractorFor } from '../extractors/index.js';"],
    ['layout/page/example.ts', "import { readPage } from '../../extractors/pdf/pageContent.js';"],
    ['forms/example.ts', "import { rebuildFlattened } from '../layout/flattened.js';"],
    ['schemas/example.ts', "import { labelKey } from '../forms/text.js';"],
    ['pipeline/sinks/example.ts', "import { buildRecords } from '../buildForm.js';"],
    ['pipeline/sinks/example.ts', "import { checkForm } from '../checks/index.js';"],
  ])('%s may not import upward: %s', async (file, code) => {
    expect(await layeringErrors(file, `${code}\nexport {};\n`)).toEqual([expect.stringContaining('layering:')]);
  });

  it.each([
    ['extractors/example.ts', "import { rebuildFlattened } from '../layout/flattened.js';"],
    ['extractors/scan/example.ts', "import { pageBlocks } from '../../layout/page/assemble.js';"],
    ['layout/example.ts', "import { labelKey } from '../forms/text.js';"],
    ['pipeline/example.ts', "import { extractorFor } from '../extractors/index.js';"],
    ['pipeline/sinks/example.ts', "import type { FormRecord } from '../../schemas/record.js';"],
  ])('%s may import downward: %s', async (file, code) => {
    expect(await layeringErrors(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});
