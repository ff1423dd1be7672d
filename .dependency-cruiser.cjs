// Layering of the server (`npm run lint`): each directory imports only from the layers below it.
//   model, data → knowledge, context → rules | size | fixes → engine, registry, measure → features, cli → server.ts
// No import cycles; no rule imports another rule (shared helpers live in model/ or knowledge/).
// `known` lists the wrong-way imports that existed when the check was added, each to be moved down; a new
// one fails the lint.
const layers = {
  model: '^server/src/(model|data)/',
  knowledge: '^server/src/(knowledge|context)/',
  analysis: '^server/src/(rules|size|fixes)/',
  engine: '^server/src/(engine|registry|measure)/',
  features: '^server/src/(features|cli)/|^server/src/cli\\.ts$',
};
const above = {
  model: [layers.knowledge, layers.analysis, layers.engine, layers.features, '^server/src/[^/]+\\.ts$'],
  knowledge: [layers.analysis, layers.engine, layers.features, '^server/src/[^/]+\\.ts$'],
  analysis: [layers.engine, layers.features, '^server/src/[^/]+\\.ts$'],
  engine: [layers.features, '^server/src/(server|documents|settings)\\.ts$'],
  features: ['^server/src/(server|documents|settings)\\.ts$'],
};
const known = [
  ['^server/src/context/(contextCache|facts)\\.ts$', '^server/src/rules/types\\.ts$'],
  ['^server/src/context/readFile\\.ts$', '^server/src/size/contextFiles\\.ts$'],
  ['^server/src/rules/source-copied-into-final-stage\\.ts$', '^server/src/fixes/copyFrom\\.ts$'],
  ['^server/src/fixes/copyFrom\\.ts$', '^server/src/rules/types\\.ts$'],
  ['^server/src/fixes/convert/compiled\\.ts$', '^server/src/size/apt\\.ts$'],
];

module.exports = {
  forbidden: [
    ...Object.entries(above).map(([layer, targets]) => ({
      name: `layer-${layer}`,
      comment: `${layer} must not import from a layer above it`,
      severity: 'error',
      from: { path: layers[layer] },
      to: { path: targets.join('|') },
    })),
    {
      name: 'analysis-siblings',
      comment: 'rules, size and fixes are siblings: they share facts through model/ and knowledge/, not each other',
      severity: 'error',
      from: { path: '^server/src/(rules|size|fixes)/', pathNot: known.map(([from]) => from).join('|') },
      to: { path: '^server/src/(rules|size|fixes)/', pathNot: '^server/src/$1/' },
    },
    {
      name: 'no-rule-imports-a-rule',
      comment: 'a rule file imports only rules/types (the registry imports the rules)',
      severity: 'error',
      // Known, to be moved into model/ or knowledge/: copyCreations, pathCovers, appendToRun, cacheMountTargets,
      // shippedSdkImage, shorten/shown.
      from: {
        path: '^server/src/rules/[a-z-]+\\.ts$',
        pathNot:
          '^server/src/rules/(index|add-remote-archive|chown-after-copy|cleanup-in-later-layer|heavy-base-image|missing-dockerignore)\\.ts$',
      },
      to: { path: '^server/src/rules/[a-z-]+\\.ts$', pathNot: '^server/src/rules/types\\.ts$' },
    },
    {
      name: 'no-circular',
      comment:
        'no runtime import cycles (type-only imports do not make one); known: cli/main ↔ its commands (UsageError), size/estimate ↔ size/copyFrom, model/shell ↔ model/simpleShell',
      severity: 'error',
      from: {
        pathNot:
          '^server/src/cli/|^server/src/size/(copyFrom|estimate)\\.ts$|^server/src/model/(shell|simpleShell)\\.ts$',
      },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'client-only-protocol',
      comment: 'the client imports nothing of the server but the protocol module they share',
      severity: 'error',
      from: { path: '^client/src/' },
      to: { path: '^server/src/', pathNot: '^server/src/protocol\\.ts$' },
    },
    {
      name: 'protocol-stands-alone',
      comment: 'the shared protocol module imports nothing, so the client bundle takes in no server code',
      severity: 'error',
      from: { path: '^server/src/protocol\\.ts$' },
      to: { path: '.' },
    },
  ].map((rule) =>
    rule.name.startsWith('layer-')
      ? { ...rule, from: { ...rule.from, pathNot: known.map(([from]) => from).join('|') } }
      : rule,
  ),
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.json$' },
  },
};
