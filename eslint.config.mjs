// ESLint flat config: the recommended JavaScript and typescript-eslint rules,
// plus the few house rules the code relies on.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/lib/**',
      'kernel-ext/labextension/**',
      'out/**',
      '.tools/**',
      'docs/**',
      '**/*.d.ts',
      'test/.readme-*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Unused arguments are named `_x` where a signature demands them.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-new-func': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The JupyterLab page: browser code bundled by rspack, which provides the module-federation globals.
    files: ['lab/app/**/*.js'],
    languageOptions: {
      globals: { ...globals.browser, __webpack_init_sharing__: 'readonly', __webpack_share_scopes__: 'readonly', __webpack_public_path__: 'writable' },
    },
  },
);
