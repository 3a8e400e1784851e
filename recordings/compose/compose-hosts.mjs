#!/usr/bin/env node
/**
 * Composition aid (run by hand, never by the tests): turns the host descriptions in ./hosts into
 * capture documents in ../hosts. Each description holds what the host's tools would print and the
 * files it has; the real probe (dist/, so `npm run build` first) runs against it through the
 * capture recorder, so each document holds exactly the commands and paths the probe asks for,
 * absent files included, the same way `bridge-migrate capture` records a real host.
 *
 *   node recordings/compose/compose-hosts.mjs                 # every host in ./hosts
 *   node recordings/compose/compose-hosts.mjs docker-host     # one
 *
 * A description that lacks an answer the probe needs stops the run, and answers the probe never
 * asked for are reported, so a document never carries dead entries or silently failed probes.
 * Firewall outputs come from ./hosts/NAME.firewall.json when present (see firewall-outputs.mjs).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeHost } from '../../dist/source/host/probe.js';
import { createRecorder } from '../../dist/source/system/capture.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'hosts');
/** Fixed, so composing again gives the same bytes. */
const COMPOSED_AT = '2026-11-28T12:00:00.000Z';

async function compose(name) {
  const host = (await import(join(HERE, 'hosts', `${name}.mjs`))).default;
  const commands = { ...host.commands, ...firewallCommands(name) };
  const asked = new Set();
  const runner = {
    async run(argv) {
      const key = argv.join(' ');
      asked.add(`command ${key}`);
      const answer = commands[key];
      if (!answer) throw new Error(`${name}: no answer for \`${key}\``);
      return {
        argv: [...argv],
        exitCode: answer.exitCode ?? 0,
        stdout: answer.stdout ?? '',
        stderr: answer.stderr ?? '',
        durationMs: 0,
        timedOut: false,
        notFound: answer.notFound ?? false,
      };
    },
  };
  const files = {
    async readFile(path) {
      asked.add(`file ${path}`);
      return host.files[path] ?? null;
    },
    async listDir(path) {
      asked.add(`dir ${path}`);
      const names = host.dirs[path];
      return names ? [...names].sort() : null;
    },
    async readLink(path) {
      asked.add(`link ${path}`);
      return host.links[path] ?? null;
    },
  };
  const recorder = createRecorder(runner, files);
  const snapshot = await probeHost({ runner: recorder.runner, files: recorder.files, env: host.env });
  const failed = snapshot.probes.filter((probe) => !probe.ok);
  if (failed.length > 0) {
    throw new Error(`${name}: probes failed: ${failed.map((probe) => `${probe.name} (${probe.note})`).join('; ')}`);
  }
  const unused = [
    ...Object.keys(commands).map((key) => `command ${key}`),
    ...Object.keys(host.files).map((path) => `file ${path}`),
    ...Object.keys(host.dirs).map((path) => `dir ${path}`),
    ...Object.keys(host.links).map((path) => `link ${path}`),
  ].filter((entry) => !asked.has(entry));
  if (unused.length > 0) process.stderr.write(`${name}: never asked for: ${unused.join(', ')}\n`);

  const doc = recorder.document(
    { name, description: host.description, origin: 'composed', capturedAt: COMPOSED_AT },
    host.env,
  );
  writeFileSync(join(OUT, `${name}.json`), `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o644 });
  const notes = snapshot.probes.filter((probe) => probe.note).map((probe) => `${probe.name}: ${probe.note}`);
  process.stdout.write(`${name}: ${doc.commands.length} commands, ${Object.keys(doc.files).length} files${notes.length ? ` (${notes.join('; ')})` : ''}\n`);
}

function firewallCommands(name) {
  const path = join(HERE, 'hosts', `${name}.firewall.json`);
  if (!existsSync(path)) return {};
  // Keyed by command line, each { stdout, stderr } as the tool printed it.
  return JSON.parse(readFileSync(path, 'utf8'));
}

const names =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(join(HERE, 'hosts'))
        .filter((file) => file.endsWith('.mjs'))
        .map((file) => file.slice(0, -'.mjs'.length));
for (const name of names) await compose(name);
