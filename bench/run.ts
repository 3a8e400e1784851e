/**
 * `npm run bench`: speed and memory goals, measured on this machine, printed as a table and
 * written as JSON. Nothing here asserts a threshold; the aims are shown beside the figures.
 * Everything measured here only reads the host (probe, dry run, plan).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { probeHost } from '../source/host/probe.js';
import { silentLog } from '../source/system/debug-log.js';
import { createExecRunner } from '../source/system/exec-runner.js';
import { createHostFiles } from '../source/system/host-files.js';
import { firstFrameMs, peakRssMb } from './startup.js';
import { type BenchRow, formatTable, repeat, row } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

async function probeMs(): Promise<number> {
  const deps = {
    runner: createExecRunner(silentLog),
    files: createHostFiles(),
    env: { uid: process.getuid?.() ?? -1, sshConnection: null, rootDir: '/' },
  };
  const started = performance.now();
  await probeHost(deps);
  return performance.now() - started;
}

async function main() {
  const rows: BenchRow[] = [];
  await probeMs(); // warm the page cache once, as an operator's second run would be
  rows.push(row('probe (this host)', 'ms', await repeat(RUNS, probeMs), '< 300 ms'));
  rows.push(row('cold start to first frame', 'ms', await repeat(RUNS, () => firstFrameMs()), '< 500 ms'));
  rows.push(
    row(
      'peak RSS, plan --json',
      'MB',
      await repeat(Math.min(RUNS, 5), () => peakRssMb(['plan', '--json'])),
      'informational',
    ),
  );
  const table = formatTable(rows);
  process.stdout.write(`${table}\n`);
  const dir = resolve(process.cwd(), 'bench-results');
  await mkdir(dir, { recursive: true });
  const result = {
    at: new Date().toISOString(),
    node: process.version,
    cores: (await import('node:os')).cpus().length,
    rows,
  };
  await writeFile(resolve(dir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\nwritten to bench-results/latest.json\n`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
