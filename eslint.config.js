// eslint (flat config): the recommended JavaScript and typescript-eslint sets, with formatting
// left to prettier (eslint-config-prettier). `npm run lint` runs it; `npm test` runs lint.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const nodeGlobals = { process: 'readonly', console: 'readonly', module: 'writable', require: 'readonly', __dirname: 'readonly', URL: 'readonly', Buffer: 'readonly' };
const browserGlobals = { window: 'readonly', document: 'readonly', fetch: 'readonly', FormData: 'readonly', URLSearchParams: 'readonly', location: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', console: 'readonly', navigator: 'readonly', alert: 'readonly', confirm: 'readonly', Intl: 'readonly', HTMLFormElement: 'readonly', XMLHttpRequest: 'readonly', Event: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
  HTMLElement: 'readonly', HTMLInputElement: 'readonly', HTMLSelectElement: 'readonly', HTMLButtonElement: 'readonly', HTMLTextAreaElement: 'readonly', HTMLAnchorElement: 'readonly', Element: 'readonly', Node: 'readonly', CustomEvent: 'readonly', KeyboardEvent: 'readonly', MouseEvent: 'readonly', localStorage: 'readonly', sessionStorage: 'readonly', requestAnimationFrame: 'readonly', history: 'readonly', AbortController: 'readonly', Blob: 'readonly', File: 'readonly', FileReader: 'readonly', Headers: 'readonly', Response: 'readonly', Request: 'readonly', getComputedStyle: 'readonly', MutationObserver: 'readonly',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'server/model/generated.ts', 'docs/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  { files: ['**/*.{js,cjs,mjs}'], languageOptions: { globals: nodeGlobals } },
  { files: ['templates/**/*.js'], languageOptions: { globals: browserGlobals, sourceType: 'script' } },
  {
    rules: {
      // `catch {}` blocks that deliberately ignore, and `_`-prefixed unused parameters, are fine.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The codebase uses non-null assertions where a lookup was checked just before; a mass edit.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Control characters in regexes are deliberate: they are what the code strips or refuses.
      'no-control-regex': 'off',
      // A `let` read by a closure before its one assignment (main.ts's handler) stays a let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // config.ts is the only reader of the environment.
    files: ['server/**/*.ts'],
    ignores: ['server/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings through server/config.ts (the only reader of process.env).' }],
    },
  },
  {
    // No focused or skipped tests: every test runs in CI.
    files: ['test/**/*.ts'],
    rules: {
      // Test fixtures build deliberately malformed documents.
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'context'].flatMap((object) => [
          { object, property: 'only', message: 'No .only: every test runs.' },
          { object, property: 'skip', message: 'No .skip: a test that cannot run is deleted or fixed.' },
        ]),
      ],
    },
  },
);
