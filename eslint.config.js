import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly'
      }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ]
    }
  },
  {
    // The lock must stay usable on its own (issue 3): no toolkit imports.
    files: ['src/lock/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@actions/*', '../git/*', '../cache/*', '../*.js'] }
      ]
    }
  },
  {
    // git knows nothing of inputs or the toolkit's input helpers.
    files: ['src/git/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@actions/*', '../inputs.js', '../cache/*', '../lock/*'] }
      ]
    }
  }
)
