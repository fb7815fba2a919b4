// ESLint 9 flat config: typescript-eslint's recommended rules for the TypeScript sources, and a line-length limit.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'samples/', 'bench/', 'report/', 'coverage/', 'test-results/', '.vitest/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      // Lines stay readable: long string, template and regex literals and URLs are allowed to run on.
      'max-len': ['error', { code: 180, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
      // `const { id: _id, ...rest } = record` drops fields on purpose
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
    },
  },
  // The folders are the architecture: each layer imports only the layers below it (README, "Architecture").
  ...layer('schemas/**', ['**/forms/**', '**/layout/**', '**/extractors/**', '**/pipeline/**', '**/cli/**'], 'the record and document schemas depend on nothing of the project'),
  ...layer('forms/**', ['**/layout/**', '**/extractors/**', '**/pipeline/**', '**/cli/**'], 'form knowledge (vocabulary, values, titles) is shared by every layer and imports none of them'),
  ...layer('layout/**', ['**/extractors/**', '**/pipeline/**', '**/cli/**'], 'the layout layer serves the extractors and knows no stage of the pipeline'),
  ...layer('extractors/**', ['**/pipeline/**', '**/cli/**'], 'extractors read one input kind into blocks; the pipeline calls them, never the other way'),
  ...layer('pipeline/sinks/**', ['../*.js', '../checks/**', '../../forms/**', '../../layout/**', '../../extractors/**', '../../cli/**'], 'sinks only write: they import the schemas and each other'),
);

/** A layer's files may not import the given paths (no-restricted-imports patterns). */
function layer(files, forbidden, why) {
  return [{ files: [files], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message: `layering: ${why}` }] }] } }];
}
