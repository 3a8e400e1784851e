/**
 * busybox udhcpc reads the option code of `-x OPT:VAL` with bb_strtou(OPT, 0): the octal "075" is
 * option 61 like "61" and "0x3d". The probe must read the client id such a client sends from its
 * argv, not take it for udhcpc's default 01 + MAC: the id dnsmasq recorded for the lease is the one
 * the probe reports. Needs root.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { probeHost } from '../../source/host/probe.js';
import { waitFor } from '../../source/lab/wait.js';
import { leaseFor } from '../../source/plan/lease-identity.js';
import { silentLog } from '../../source/system/debug-log.js';
import { createExecRunner } from '../../source/system/exec-runner.js';
import { dnsmasqLeaseOf } from './helpers/dnsmasq-leases.js';
import { namespaceFiles, namespaceRunner } from './helpers/engine-lab.js';
import { withLab } from './helpers/lab-state.js';

const isRoot = process.getuid?.() === 0;
const RECORDED = { attempts: 150, intervalMs: 100, timeoutMs: 15_000 };

test.skipIf(!isRoot)(
  'udhcpc -x 075:… (octal 61): the probe reads the id dnsmasq recorded',
  async () => {
    await withLab({ host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true } }, async (lab) => {
      if (lab.dhcpClient) await lab.stop(lab.dhcpClient);
      const script = join(lab.dir, 'noop-udhcpc.sh');
      writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o700 });
      const client = await lab.spawn(lab.ns.host, [
        'udhcpc',
        '-f',
        '-i',
        'ens18',
        '-x',
        '075:ff00c0ffee0075',
        '-t',
        '5',
        '-T',
        '1',
        '-s',
        script,
      ]);
      const recorded = await waitFor('dnsmasq to record the id', RECORDED, (problem) => {
        const found = dnsmasqLeaseOf(lab, lab.hostMac);
        return found?.clientId === 'ff:00:c0:ff:ee:00:75' ? found.clientId : problem(`${found?.clientId}`);
      });
      const rootDir = lab.dir;
      const snapshot = await probeHost({
        runner: namespaceRunner(createExecRunner(silentLog), lab.ns.host),
        files: namespaceFiles(lab.ns.host),
        env: { uid: 0, sshConnection: null, rootDir },
      });
      expect(client.hasExited()).toBe(false);
      expect(leaseFor(snapshot, 'ens18')).toMatchObject({
        client: 'udhcpc',
        source: 'argv',
        clientId: recorded,
      });
    });
  },
  120_000,
);
