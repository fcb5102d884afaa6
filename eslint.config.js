import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'mosquitto-src/', 'site/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Ported code keeps mosquitto's C names (sub__add, MOSQ_ERR_SUCCESS, struct field names).
    files: ['src/broker/**', 'src/lib/**', 'src/apps/**', 'src/plugins/**', 'src/include/**'],
    rules: { camelcase: 'off', '@typescript-eslint/naming-convention': 'off' },
  },
);
