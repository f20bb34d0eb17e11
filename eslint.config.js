// One lint configuration for every workspace. import-x/no-cycle and the
// zones below keep the layers pointing one way: routes -> services ->
// store / runtime; domain/ and lib/ at the bottom; the ingress beside the
// api, sharing only those two; dashboard features apart from each other.
import fs from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const cp = (dir) => `./control-plane/src/${dir}`;
const FEATURES = fs.readdirSync(new URL('./dashboard/src/features', import.meta.url));

const LAYER_ZONES = [
  // The ingress (the router) is its own process: it shares pure rules and
  // small I/O helpers with the api, nothing of its services, store or routes.
  { target: cp('ingress'), from: [cp('services'), cp('routes'), cp('plugins'), cp('store'), cp('runtime'), cp('app.ts'), cp('backup')], message: 'The ingress uses only domain/, lib/ and config.' },
  // Routes validate and shape replies; the work is the services'.
  { target: cp('routes'), from: [cp('runtime'), cp('ingress')], message: 'Routes call services; they never reach the engine.' },
  { target: cp('services'), from: [cp('routes'), cp('plugins'), cp('ingress')], message: 'Services know nothing of HTTP.' },
  { target: cp('store'), from: [cp('services'), cp('routes'), cp('plugins'), cp('runtime'), cp('ingress')], message: 'The store is a bottom layer.' },
  { target: cp('runtime'), from: [cp('services'), cp('routes'), cp('plugins'), cp('store'), cp('ingress')], message: 'The runtime is a bottom layer.' },
  { target: [cp('domain'), cp('lib')], from: [cp('services'), cp('routes'), cp('plugins'), cp('store'), cp('runtime'), cp('ingress'), cp('app.ts')], message: 'domain/ and lib/ are the ground floor.' },
  // Dashboard features do not import each other (shared code lives in lib/ or components/).
  ...FEATURES.map((f) => ({
    target: `./dashboard/src/features/${f}`,
    from: './dashboard/src/features',
    except: [`./${f}`],
    message: 'Features do not import each other; move shared code to dashboard/src/lib or components.',
  })),
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'e2e/test-results/**', 'e2e/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js}'],
    plugins: { 'import-x': importX },
    languageOptions: { globals: { ...globals.node } },
    // TypeScript's ESM imports name the .js a .ts file compiles to: resolve them to the .ts.
    settings: {
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.tsx', '.js'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] }, alias: { '@': [new URL('./dashboard/src', import.meta.url).pathname] } }),
      ],
    },
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
    // The layering as a rule (paths from the repository root).
    files: ['control-plane/src/**/*.ts', 'dashboard/src/**/*.{ts,tsx}'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: LAYER_ZONES }],
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
    files: ['scripts/**', 'bench/**', '**/test/**', 'e2e/**', 'control-plane/src/server.ts', 'control-plane/src/ingress-main.ts'],
    rules: { 'no-console': 'off' },
  },
);
