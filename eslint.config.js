// One lint configuration for every workspace. import-x/no-cycle keeps the
// layers pointing one way (routes -> services -> store/runtime).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'e2e/test-results/**', 'e2e/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js}'],
    plugins: { 'import-x': importX },
    languageOptions: { globals: { ...globals.node } },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } } },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The Docker contract: only the runtime layer talks to the engine.
    files: ['control-plane/src/**/*.ts'],
    ignores: ['control-plane/src/runtime/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'dockerode', message: 'Only control-plane/src/runtime/ may import dockerode.' }] }],
    },
  },
  {
    // The dashboard runs in browsers; hooks must follow React's rules.
    files: ['dashboard/src/**/*.{ts,tsx}', 'dashboard/test/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Scripts and tests talk to a person on a terminal.
    files: ['scripts/**', 'bench/**', '**/test/**', 'e2e/**', 'control-plane/src/server.ts', 'control-plane/src/router-main.ts'],
    rules: { 'no-console': 'off' },
  },
);
