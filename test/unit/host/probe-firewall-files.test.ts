/**
 * The boot-time firewall files as the probe reads them under --root-dir: present ones with their
 * text, hostile ones (a symlink, over the cap, not text) without it and with the reason, and a
 * recording made before they were read leaves the field out instead of inventing "no files".
 */
import { describe, expect, it } from 'vitest';
import {
  FIREWALL_FILE_MAX_BYTES,
  readPersistedFirewall,
} from '../../../source/host/probes/firewall-files.js';
import { CAPTURE_FORMAT, type CaptureDocument, createReplay } from '../../../source/system/capture.js';
import type { FileReader } from '../../../source/system/files.js';
import { fakeHost } from './fake-host.js';

const ROOT = '/srv/root';
const RULES = `${ROOT}/etc/iptables/rules.v4`;
const NFT = `${ROOT}/etc/nftables.conf`;

const read = (files: FileReader) =>
  readPersistedFirewall({
    runner: { run: async () => Promise.reject(new Error('no commands')) },
    files,
    env: { uid: 0, sshConnection: null, rootDir: ROOT },
    tools: {},
  });

describe('persisted firewall files probe', () => {
  it('reads the files that exist under --root-dir, by their host path and format', async () => {
    const host = fakeHost({ commands: {}, files: { [RULES]: '*nat\nCOMMIT\n' } });
    expect(await read(host.files)).toEqual([
      { path: '/etc/iptables/rules.v4', format: 'iptables-save', content: '*nat\nCOMMIT\n' },
    ]);
    expect(host.reads).toContain(`file ${NFT}`);
  });

  it.each([
    [
      'a symbolic link',
      { links: { [NFT]: '/srv/elsewhere.conf' } },
      'flush ruleset\n',
      'it is a symbolic link',
    ],
    [
      'over the cap',
      {},
      'x'.repeat(FIREWALL_FILE_MAX_BYTES + 1),
      `it is larger than ${FIREWALL_FILE_MAX_BYTES} bytes`,
    ],
    ['binary (NUL bytes)', {}, 'table ip x {\0}\n', 'it is not plain text'],
    ['not UTF-8 (decoded to U+FFFD)', {}, 'table ip \uFFFD {}\n', 'it is not plain text'],
  ])(
    'a file that is %s comes back without content, with the reason',
    async (_what, extra, content, problem) => {
      const host = fakeHost({ commands: {}, files: { [NFT]: content }, ...extra });
      expect(await read(host.files)).toEqual([
        { path: '/etc/nftables.conf', format: 'nft', content: null, problem },
      ]);
    },
  );

  it('a recording that never read these files leaves the field out (unknown, not "none")', async () => {
    const doc: CaptureDocument = {
      format: CAPTURE_FORMAT,
      header: {} as CaptureDocument['header'],
      env: {} as CaptureDocument['env'],
      commands: [],
      files: {},
      dirs: {},
      links: {},
    };
    expect(await read(createReplay(doc, 'old.json').files)).toBeUndefined();
    const recorded = { ...doc, files: { [RULES]: null, [NFT]: null } };
    expect(await read(createReplay(recorded, 'new.json').files)).toEqual([]);
  });
});
