// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_IO = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'child_process',
  'dgram',
  'dns',
  'tls',
  'cluster',
  'worker_threads',
  'process',
  'readline',
];

/** The core (domain + application) depends on ports only: no framework, driver, crypto or I/O. */
const coreBoundary = {
  paths: NODE_IO.flatMap((name) => [
    { name, message: 'The core does no I/O: put it behind a port.' },
    { name: `node:${name}`, message: 'The core does no I/O: put it behind a port.' },
  ]),
  patterns: [
    {
      group: [
        'koa',
        'koa-*',
        '@koa/*',
        'knex',
        'pg',
        'sqlite3',
        'bcrypt',
        'argon2',
        'jose',
        'inversify',
        '@inversifyjs/*',
        'reflect-metadata',
        'pino',
        'ajv',
        'ajv-formats',
        'commander',
        'p-limit',
        'prom-client',
      ],
      message: 'The core imports no framework or driver: depend on a port in src/domain/ports.',
    },
    {
      group: ['**/adapters/**', '**/main/**'],
      message: 'The core must not import adapters or the composition root.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'var/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['src/domain/**/*.ts', 'src/application/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreBoundary] },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
);
