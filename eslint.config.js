// Lint: typescript-eslint's recommended rules, plus the dependency rule of the architecture:
// core/ depends on nothing outside itself (connectors, web, plugins, scripts and test depend on it).
import tseslint from 'typescript-eslint';

const OUTER_FOLDERS = ['connectors', 'web', 'plugins', 'scripts', 'test'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/app/dist/**', '.settle/**', 'plugins/**/vendor/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: OUTER_FOLDERS.map((folder) => ({
            group: [`**/${folder}/**`, `**/${folder}`],
            message: `core/ must not import from ${folder}/: define a port in core and implement it outside.`,
          })),
        },
      ],
    },
  },
);
