// ESLint: typescript-eslint's strict-type-checked rules over the TypeScript sources (`npm run lint`, zero
// warnings, part of `npm test`). Layering (which directory may import which, no cycles, no rule importing
// another rule) is checked by dependency-cruiser (.dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      '.cache/',
      'scratch/',
      'examples/',
      'test/fixtures/',
      '**/*.mjs',
      '**/*.cjs',
      '**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Sizes, counts and line numbers go into messages as numbers: String() around each adds nothing.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `items.forEach((item) => set.add(item))` is the house style for one-line callbacks.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Without noUncheckedIndexedAccess (not yet on: see tsconfig.base.json) this rule takes `array[i]` for
      // always defined and calls every guard on it unnecessary: it would push towards unsafe code.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // 33 existing `!` after Map lookups and index access; they go with noUncheckedIndexedAccess.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `lines.lineText.bind(lines)` and method references passed to the LSP connection are bound or never use `this`.
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON the code under test printed and poke at internals: `any` from JSON.parse is what they check.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-dynamic-delete': 'off',
      '@typescript-eslint/no-deprecated': 'off',
    },
  },
);
