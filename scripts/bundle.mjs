// Bundles the compiled CLI (dist/cli.js, from tsc) and its dependencies into that same file.
// Why: Node 20 resolves and compiles ~300 ESM files on every start (ink, react, yoga, our own
// modules), which made every run — the TUI's first frame, each `status`, the guardian's start —
// cost about 0.6 s before doing anything; one bundled file starts in about a quarter of that.
// tsc's per-file output stays beside it in dist/source for the tests and the benchmarks.
import { build } from 'esbuild';

// ink imports its React DevTools bridge only when DEV=true; the bridge's package is an optional
// peer we do not install, so it resolves to an empty module instead of failing the bundle.
const noDevtools = {
  name: 'no-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({
      path: 'react-devtools-core',
      namespace: 'empty',
    }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};

await build({
  entryPoints: ['dist/cli.js'],
  outfile: 'dist/cli.js',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __bmCreateRequire } from 'node:module'; const require = __bmCreateRequire(import.meta.url);",
  },
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [noDevtools],
  logLevel: 'warning',
});
