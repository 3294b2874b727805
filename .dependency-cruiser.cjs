// The architecture, checked (npm run lint:arch, part of npm test). Rooms are the folders under
// server/; each names what others may use in its index.ts. See docs/architecture.md.

// Which rooms each room may import (besides itself and the shared root files config.ts, errors.ts,
// live-build.ts, render.ts). http/, cli/ and the composition root (app.ts, main.ts) may import any
// room; nothing but the composition root imports http/.
const ROOMS = {
  model: [],
  patterns: [],
  passwords: [],
  calendar: ['model'],
  store: [],
  audit: ['store'],
  capabilities: [],
  builder: ['model', 'patterns', 'capabilities'],
  wechat: ['builder', 'store'],
  publish: ['builder', 'wechat', 'store', 'audit'],
  loop: ['builder', 'calendar', 'model', 'patterns', 'store', 'wechat'],
  query: ['builder', 'calendar', 'loop', 'model', 'patterns'],
  connectors: ['query', 'builder', 'model'],
  desk: ['loop', 'builder', 'calendar', 'model', 'store', 'wechat'],
  gateway: ['desk', 'query', 'bindings', 'builder', 'calendar', 'loop', 'model', 'store', 'wechat'],
  console: ['builder', 'publish', 'audit', 'store', 'calendar', 'model', 'passwords', 'loop'],
  stats: ['builder', 'calendar', 'desk', 'loop', 'store', 'wechat'],
  vault: ['store'],
  bindings: ['builder', 'loop', 'model', 'patterns', 'query', 'store', 'vault'],
  broadcasts: ['audit', 'builder', 'calendar', 'capabilities', 'model', 'stats', 'store', 'wechat'],
  matters: ['builder', 'calendar', 'loop', 'model', 'store'],
  notices: ['builder', 'calendar', 'loop', 'model', 'store', 'wechat'],
  accounts: ['builder', 'capabilities', 'publish', 'wechat', 'store'],
};

// loop/ is a one-way graph: a step may import the steps before it in this list, never after.
const LOOP_ORDER = ['forms', 'applications', 'uploads', 'payment', 'progress', 'processing', 'appointment', 'location', 'rating', 'read-model'];

const roomRules = Object.entries(ROOMS).map(([room, allowed]) => ({
  name: `room-${room}`,
  comment: `server/${room}/ may import only ${allowed.length ? allowed.join(', ') : 'no other room'} (see ROOMS in .dependency-cruiser.cjs)`,
  severity: 'error',
  from: { path: `^server/${room}/` },
  to: { path: '^server/[^/]+/', pathNot: [`^server/(${[room, ...allowed].join('|')})/`, '^node_modules'] },
}));

const loopRules = LOOP_ORDER.map((step, i) => ({
  name: `loop-${step}`,
  comment: `loop/${step}/ may not import the steps after it: ${LOOP_ORDER.slice(i + 1).join(', ') || '(none)'}`,
  severity: 'error',
  from: { path: `^server/loop/${step}/` },
  to: { path: LOOP_ORDER.slice(i + 1).length ? `^server/loop/(${LOOP_ORDER.slice(i + 1).join('|')})/` : '^$' },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'import cycles make rooms inseparable', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'front-doors-only',
      comment: "a room imports another room only through its index.ts; everything else in a room is private",
      severity: 'error',
      from: { path: '^server/([^/]+)/' },
      to: { path: '^server/[^/]+/', pathNot: ['^server/$1/', '^server/[^/]+/index\\.ts$'] },
    },
    {
      name: 'root-through-front-doors',
      comment: 'the composition root and the shared root files use rooms through their index.ts too',
      severity: 'error',
      from: { path: '^server/[^/]+\\.ts$' },
      to: { path: '^server/[^/]+/', pathNot: ['^server/[^/]+/index\\.ts$'] },
    },
    {
      name: 'only-the-composition-root-imports-http',
      comment: 'http/ is the edge: capabilities, the CLI and shared files never import it',
      severity: 'error',
      from: { path: '^server/', pathNot: ['^server/http/', '^server/app\\.ts$', '^server/main\\.ts$'] },
      to: { path: '^server/http/' },
    },
    {
      name: 'only-the-cli-imports-the-cli',
      severity: 'error',
      from: { path: '^server/', pathNot: ['^server/cli/'] },
      to: { path: '^server/cli/' },
    },
    {
      name: 'shared-root-files-import-no-room',
      comment: 'config.ts, errors.ts, live-build.ts, render.ts are shared by every room, so they import none but builder types',
      severity: 'error',
      from: { path: '^server/(config|errors|live-build|render)\\.ts$' },
      to: { path: '^server/[^/]+/', pathNot: ['^server/builder/index\\.ts$'] },
    },
    {
      name: 'only-config-reads-the-environment',
      comment: 'config.ts is the only reader of process.env (checked by eslint too)',
      severity: 'error',
      from: { path: '^server/', pathNot: ['^server/config\\.ts$'] },
      to: { path: '^dotenv$' },
    },
    {
      name: 'rooms-are-declared',
      comment: 'a new room gets a line in ROOMS (.dependency-cruiser.cjs): which rooms it may import',
      severity: 'error',
      from: { path: `^server/(?!(${['http', 'cli', ...Object.keys(ROOMS)].join('|')})/)[^/]+/` },
      to: {},
    },
    {
      name: 'loop-config-through-its-deps',
      comment: 'the loop reads only LoopConfig, handed in through LoopDeps (loop/deps.ts); no step imports config.ts',
      severity: 'error',
      from: { path: '^server/loop/', pathNot: ['^server/loop/deps\\.ts$'] },
      to: { path: '^server/config\\.ts$' },
    },
    {
      name: 'simulator-through-the-gateway',
      comment: "the console's simulator asks the gateway's front door (Gateway.simulate), never its router directly",
      severity: 'error',
      from: { path: '^server/gateway/simulator\\.ts$' },
      to: { path: '^server/gateway/(route-message|route-event|route-query|build-index|dedup|keyword-matcher)\\.ts$' },
    },
    ...roomRules,
    ...loopRules,
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'], conditionNames: ['import', 'require', 'node', 'default'], exportsFields: ['exports'] },
  },
};
