/**
 * Words `ip` reads as something other than a name wherever they stand in a line, and that a revert
 * never needs: switching to another network namespace or running a program (`netns`, `exec`, and
 * the global options `-batch`/`-b`, `-n`/`-netns`, `-force`), or loading a file or BPF program
 * into the kernel: ip-link(8) `xdp`/`xdpgeneric`/`xdpdrv`/`xdpoffload` with `object`/`obj`/`pinned`,
 * ip-route(8) `encap bpf in obj FILE` and `encap seg6local action End.BPF endpoint obj FILE`, and
 * the spellings iproute2's BPF argument parser (lib/bpf_legacy.c) takes: `bytecode-file`/`bcf`,
 * `object-file`, `object-pinned`, `fd`, `bytecode`/`bc`. A revert refuses every line that holds
 * one (revert-allowlist.ts), so a bridge may not be named after one either (names.ts).
 */
export const IP_FORBIDDEN_TOKENS: ReadonlySet<string> = new Set([
  'netns',
  'exec',
  '-batch',
  '-b',
  '-n',
  '-netns',
  '-force',
  'xdp',
  'xdpgeneric',
  'xdpdrv',
  'xdpoffload',
  'obj',
  'object',
  'object-file',
  'object-pinned',
  'pinned',
  'bytecode',
  'bytecode-file',
  'bc',
  'bcf',
  'fd',
  'encap',
  'bpf',
]);
