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
        AbortSignal: 'readonly',
        performance: 'readonly',
        WebAssembly: 'readonly'
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
    // Only the lazily loaded cache layer uses the toolkit: main and post start without it
    // (docs/DESIGN.md "Boundaries").
    files: ['src/**/*.ts'],
    ignores: ['src/cache/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@actions/*'] }]
    }
  },
  {
    // The lock must stay usable on its own: no toolkit, nothing of git, the layout or the action.
    files: ['src/lock/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@actions/*', '../*'] }]
    }
  },
  {
    // git knows nothing of inputs, the cache, the lock or the toolkit.
    files: ['src/git/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@actions/*',
            '../options/*',
            '../cache/*',
            '../lock/*',
            '../action/*',
            '../checkout/*',
            '../store/*',
            '../trees/*'
          ]
        }
      ]
    }
  }
)
