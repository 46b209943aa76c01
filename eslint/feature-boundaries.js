// hub-proxy's import boundaries (docs/architecture.md, "Feature-first layout"):
// shared folders never import a feature, features meet only through each
// other's index.ts, and the composition root knows features only by index.
const FEATURES = ['quotas', 'environments', 'jobs', 'models', 'audit', 'admin'];
const SHARED = [
  'config',
  'http',
  'auth',
  'observability',
  'ownership',
  'k8s',
  'artifacts',
  'errors',
  'files',
  'documents',
];
const anyFeature = FEATURES.join('|');

/** Flat-config blocks for eslint.config.js. */
export const featureBoundaries = [
  {
    files: SHARED.map((dir) => `hub-proxy/src/${dir}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${anyFeature})(/|$)`,
              message:
                'A shared folder must not import a feature: move the code, or pass it in from the feature.',
            },
          ],
        },
      ],
    },
  },
  ...FEATURES.map((feature) => ({
    files: [`hub-proxy/src/${feature}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${FEATURES.filter((f) => f !== feature).join('|')})/(?!index\\.js$)`,
              message: "Features import each other only through the other feature's index.ts.",
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['hub-proxy/src/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^\\./(${anyFeature})/(?!index\\.js$)`,
              message: 'The composition root imports a feature only through its index.ts.',
            },
          ],
        },
      ],
    },
  },
];
