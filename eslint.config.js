import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/** Top-level folders of src/, for the layer rules below. */
const SRC_ROOMS = ['api', 'backtest', 'cli', 'domain', 'forecast', 'headless', 'notify', 'secrets', 'service', 'store', 'ui', 'venues', 'paths'];
/** A relative import (from src/ui or src/store, whose own folders share no name with these) that enters another room. */
function outOf(...allowed) {
  const others = SRC_ROOMS.filter((room) => !allowed.includes(room)).join('|');
  return `^(\\.\\./)+(${others})(/|$)`;
}

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'dist-ui/', 'resources/', 'coverage/', '.artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // The domain is pure: no I/O, no clock, no Electron.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Inject the clock.' },
        { object: 'Math', property: 'random', message: 'Inject a seeded generator.' },
      ],
    },
  },
  // ... and imports nothing outside src/domain: at each folder depth, climbing out of domain/ is refused.
  ...['src/domain/*.ts', 'src/domain/*/*.ts', 'src/domain/*/*/*.ts', 'src/domain/*/*/*/*.ts'].map((files, depth) => ({
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:fs', 'node:net', 'node:http', 'fs', 'electron', 'better-sqlite3'], message: 'The domain does no I/O.' },
            { regex: `^(\\.\\./){${depth + 1}}`, message: 'src/domain imports nothing outside src/domain (venues, api, service, store, ...).' },
          ],
        },
      ],
    },
  })),
  {
    // The UI talks to the service only through the api contract (src/api) and its own files.
    files: ['src/ui/**/*.ts', 'src/ui/**/*.svelte'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: outOf('ui', 'api'), message: 'src/ui imports only src/api and its own files.' }] }],
    },
  },
  {
    // Storage does not know the api's shapes; the service maps between them.
    files: ['src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+api(/|$)', message: 'src/store does not import src/api.' }] }],
    },
  },
);
