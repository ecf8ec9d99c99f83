// Type-aware lint for the whole workspace. Zero warnings is enforced by `--max-warnings 0`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

const depConstraints = [
  // A service may use shared libraries, never another service.
  { sourceTag: 'scope:intake', onlyDependOnLibsWithTags: ['scope:intake', 'scope:shared'] },
  {
    sourceTag: 'scope:safeguarding',
    onlyDependOnLibsWithTags: ['scope:safeguarding', 'scope:shared'],
  },
  {
    sourceTag: 'scope:accommodation',
    onlyDependOnLibsWithTags: ['scope:accommodation', 'scope:shared'],
  },
  {
    sourceTag: 'scope:notification',
    onlyDependOnLibsWithTags: ['scope:notification', 'scope:shared'],
  },
  { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:console', 'scope:shared'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
  // Layering: domain is plain TypeScript; contracts depend on nothing of ours.
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  {
    sourceTag: 'type:infrastructure',
    onlyDependOnLibsWithTags: ['type:infrastructure', 'type:contracts', 'type:domain'],
  },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:infrastructure', 'type:contracts', 'type:domain'],
  },
  {
    sourceTag: 'type:service',
    onlyDependOnLibsWithTags: ['type:infrastructure', 'type:contracts', 'type:domain'],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: [
      'type:infrastructure',
      'type:contracts',
      'type:domain',
      'type:testing',
    ],
  },
];

const boundaries = (constraints) => ({
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: constraints,
});
// Tests of any project may also use the test infrastructure library.
const testDepConstraints = depConstraints.map((c) =>
  c.sourceTag.startsWith('type:')
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
    : c,
);

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.tools/**',
      '.run/**',
      '.nx/**',
      'coverage/**',
      'libs/contracts/src/generated/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(depConstraints)],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // Domain code is plain TypeScript: no framework, no ORM, no I/O clients.
    files: ['services/*/src/domain/**/*.ts', 'libs/london/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'Domain code imports no NestJS.' },
            {
              group: ['typeorm', 'pg', 'kafkajs', 'bullmq', 'ioredis', 'nodemailer'],
              message: 'Domain code does no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    // Production code never reaches for test infrastructure.
    files: ['services/*/src/**/*.ts', 'libs/{contracts,messaging,platform,london}/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', 'services/*/src/test-support/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@harbour/testing', message: 'Only tests may import @harbour/testing.' }],
        },
      ],
    },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      'tests/**/*.ts',
      'libs/*/src/test/**/*.ts',
      'services/*/src/test-support/**/*.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(testDepConstraints)],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // CLIs and scripts write to the terminal on purpose.
    files: [
      '**/cli/**/*.ts',
      '**/*cli*.ts',
      'scripts/**/*.ts',
      'deploy/**/*.ts',
      'tests/perf/**/*.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
