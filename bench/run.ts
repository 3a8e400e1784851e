/**
 * `npm run bench`: speed, memory and safety goals, measured on this machine, printed as a table
 * and written as JSON. Nothing here asserts a threshold; the aims are shown beside the figures.
 * The first rows only read this host (probe, dry run, plan). The rest change networking, and
 * only inside the namespace lab (source/lab), which needs root: without root they are skipped
 * with a line saying so.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { probeHost } from '../source/host/probe.js';
import { silentLog } from '../source/system/debug-log.js';
import { createExecRunner } from '../source/system/exec-runner.js';
import { createHostFiles } from '../source/system/host-files.js';
import { type LabSection, labSections } from './lab-rows.js';
import { firstFrameMs, peakRssMb } from './startup.js';
import { type BenchRow, formatTable, jsonNumbers, repeat, row } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** Rounds of the lab benchmarks: a cutover round takes ~8 s, a deadline round ~20-30 s. */
const LAB_ROUNDS = {
  cutover: Number(process.env.BENCH_CUTOVER_ROUNDS ?? 5),
  deadline: Number(process.env.BENCH_DEADLINE_ROUNDS ?? 3),
  /** A persist round (tool and original plan, each with a reboot) takes about a minute. */
  persist: Number(process.env.BENCH_PERSIST_ROUNDS ?? 2),
};

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
  let sections: LabSection[] = [];
  let skipped: string | null = null;
  if (process.getuid?.() === 0) {
    sections = await labSections(LAB_ROUNDS, (line) => process.stderr.write(`${line}\n`));
    for (const section of sections) rows.push(...section.rows);
  } else {
    skipped = 'lab benchmarks skipped: they build network namespaces, which needs root (sudo npm run bench)';
    process.stdout.write(`${skipped}\n`);
  }
  const table = formatTable(rows);
  process.stdout.write(`${table}\n`);
  const failed = sections.filter((section) => section.error !== null);
  for (const section of failed) process.stdout.write(`FAILED: ${section.title}: ${section.error}\n`);
  if (failed.length > 0) process.exitCode = 1;
  const dir = resolve(process.cwd(), 'bench-results');
  await mkdir(dir, { recursive: true });
  const result = {
    at: new Date().toISOString(),
    node: process.version,
    cores: (await import('node:os')).cpus().length,
    rows,
    lab: skipped ?? sections.map(({ title, rounds, error }) => ({ title, error, rounds })),
  };
  await writeFile(resolve(dir, 'latest.json'), `${JSON.stringify(result, jsonNumbers, 2)}\n`);
  process.stdout.write(`\nwritten to bench-results/latest.json\n`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
