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
/** Not I/O, but the machine: the core reaches randomness and hashing through ports. */
const NODE_PLATFORM = ['crypto', 'os'];

/** The core (domain + application) depends on ports only: no framework, driver, crypto or I/O. */
const coreBoundary = {
  paths: [
    ...NODE_IO.flatMap((name) => [
      { name, message: 'The core does no I/O: put it behind a port.' },
      { name: `node:${name}`, message: 'The core does no I/O: put it behind a port.' },
    ]),
    ...NODE_PLATFORM.flatMap((name) => [
      { name, message: 'The core gets randomness and hashing from ports (IdGenerator, …).' },
      { name: `node:${name}`, message: 'The core gets randomness and hashing from ports.' },
    ]),
  ],
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

const ADAPTERS = [
  'clock',
  'config',
  'http',
  'logging',
  'metrics',
  'persistence',
  'redis',
  'security',
];

/**
 * Each adapter depends on the core only: one adapter never imports another (a swap would drag the
 * other along), and none imports the composition root, which is the one place they meet.
 */
const adapterBoundaries = ADAPTERS.map((adapter) => ({
  files: [`src/adapters/${adapter}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ADAPTERS.filter((other) => other !== adapter).map((other) => `**/${other}/**`),
            message: 'Adapters do not import each other: join them in src/main.',
          },
          { group: ['**/main/**'], message: 'Adapters must not import the composition root.' },
        ],
      },
    ],
  },
}));

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
  ...adapterBoundaries,
  {
    // The environment is read in one place, the configuration, where each value is checked once.
    // memory.ts runs before there is a configuration (it says why it reads NODE_OPTIONS).
    files: ['src/**/*.ts'],
    ignores: ['src/adapters/config/**', 'src/main/memory.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment in src/adapters/config and take it from Config.',
        },
      ],
    },
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
