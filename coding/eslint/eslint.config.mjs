// ESLint for candidates' code: our rules only, no plugins, nothing loaded from the candidate
// (the code arrives on stdin). Recommended correctness rules plus a few of style and size.
const nodeGlobals = Object.fromEntries(
  ['console', 'require', 'module', 'exports', 'process', 'Buffer', 'setTimeout', 'clearTimeout',
    'setInterval', 'clearInterval', 'setImmediate', 'structuredClone', 'globalThis', 'queueMicrotask',
    'TextEncoder', 'TextDecoder', 'URL'].map((name) => [name, 'readonly']),
);

export default [
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'script', globals: nodeGlobals },
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
    rules: {
      'no-undef': 'error',
      'no-unused-vars': ['warn', { vars: 'local', args: 'none' }], // the task's function is used by the harness
      'no-unreachable': 'error',
      'no-constant-condition': ['warn', { checkLoops: false }],
      'no-dupe-keys': 'error',
      'no-dupe-args': 'error',
      'no-redeclare': 'error',
      'no-self-compare': 'warn',
      'no-unmodified-loop-condition': 'warn',
      'no-loss-of-precision': 'warn',
      'no-fallthrough': 'warn',
      'no-empty': 'warn',
      'no-cond-assign': 'warn',
      'use-isnan': 'error',
      'valid-typeof': 'error',
      eqeqeq: ['warn', 'smart'],
      'no-var': 'warn',
      'prefer-const': 'warn',
      'no-shadow': 'warn',
      'consistent-return': 'warn',
      complexity: ['warn', 12],
      'max-depth': ['warn', 4],
      'max-lines-per-function': ['warn', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
];
