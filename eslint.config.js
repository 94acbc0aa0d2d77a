// Lint rules that hold the layer map of ../shared/DESIGN.md: imports point down only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    ignores: ['*.config.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer(
    ['src/grid/**/*.ts'],
    ['**/machines/**', '**/runtime/**', '**/adapters/**', '**/sim/**', 'node:*', 'undici', 'ws', 'pino'],
    'grid/ is pure: decimal.js only, no IO and no upper layers.',
  ),
  layer(
    ['src/adapters/**/*.ts'],
    ['**/machines/**', '**/runtime/**', '**/grid/**', '**/sim/**'],
    'adapters/ know the wire and nothing about grids, machines or the runtime.',
  ),
  layer(
    ['src/adapters/whitebit/codec/**/*.ts'],
    ['node:*', 'undici', 'ws', 'pino', '../*.js', '../**/rest-client*', '../**/ws-transport*'],
    'codec/ is pure: no sockets, no timers, no logger.',
  ),
  layer(
    ['src/sim/**/*.ts'],
    ['**/machines/**', '**/runtime/**', '**/grid/**'],
    'sim/ is an exchange, not part of the bot: it may import adapters/whitebit/codec and the signer only.',
  ),
  layer(['src/machines/**/*.ts'], ['**/runtime/**', '**/sim/**', 'undici', 'ws'], 'machines/ hold decisions; IO is provided by runtime/.'),
);
