// Lint: typescript-eslint's recommended rules, no `any`, no unused code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // log lines share field names: `err` for errors (pino's serializer), `node` for the Envoy node id
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(fatal|error|warn|info|debug|trace)$/] > ObjectExpression > Property[key.name=/^(error|nodeId)$/]',
          message: 'log fields: `err` for an error, `node` for the Envoy node id',
        },
      ],
    },
  },
);
