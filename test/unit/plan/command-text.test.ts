import { describe, expect, it } from 'vitest';
import { commandText, ipBatchFile, shellQuote } from '../../../source/plan/command-text.js';

describe('command text', () => {
  it('shows exec and detached commands as shell lines, quoting what a shell would split', () => {
    expect(
      commandText({
        kind: 'exec',
        argv: ['nft', 'add', 'rule', 'ip', 'nat', 'post', 'oifname "ens18" masquerade'],
      }),
    ).toEqual([`nft add rule ip nat post 'oifname "ens18" masquerade'`]);
    expect(commandText({ kind: 'spawn-detached', argv: ['/sbin/dhclient', '-4', 'ens18'] })).toEqual([
      '/sbin/dhclient -4 ens18 &',
    ]);
    const argv = ['udhcpc', '-i', 'ens18'];
    expect(commandText({ kind: 'signal', pid: 1234, signal: 'TERM', startTime: '77', argv })).toEqual([
      'kill -TERM 1234',
    ]);
    expect(commandText({ kind: 'signal', pid: 612, signal: 'KILL', startTime: null, argv })).toEqual([
      'kill -KILL 612',
    ]);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
  });

  it("shows the stop of the bridge's client as a pkill of exactly its command line, root's", () => {
    const argv = ['/usr/bin/busybox', 'udhcpc', '-i', 'fcbr0', '-s', '/etc/u[1].sh', '-r', '198.51.100.240'];
    expect(commandText({ kind: 'stop-started', argv, signal: 'TERM' })).toEqual([
      `pkill -TERM --euid 0 --exact --full '/usr/bin/busybox udhcpc -i fcbr0 -s /etc/u\\[1\\]\\.sh -r 198\\.51\\.100\\.240'`,
    ]);
  });

  it('shows an ip batch as a here-document and writes it as one line per command', () => {
    const lines = [
      ['link', 'set', 'dev', 'ens18', 'master', 'fcbr0'],
      ['addr', 'del', '198.51.100.240/24', 'dev', 'ens18'],
    ];
    expect(commandText({ kind: 'ip-batch', lines })).toEqual([
      "ip -batch - <<'EOF'",
      'link set dev ens18 master fcbr0',
      'addr del 198.51.100.240/24 dev ens18',
      'EOF',
    ]);
    expect(ipBatchFile(lines)).toBe(
      'link set dev ens18 master fcbr0\naddr del 198.51.100.240/24 dev ens18\n',
    );
  });

  it('quotes the batch here-document, so a pasted name holding $(...) or a backquote is not run', () => {
    const text = commandText({
      kind: 'ip-batch',
      lines: [['link', 'set', 'dev', '$(reboot)', 'master', '`id`']],
    });
    expect(text).toEqual(["ip -batch - <<'EOF'", 'link set dev $(reboot) master `id`', 'EOF']);
  });

  it('ends the batch here-document with a delimiter that no body line equals', () => {
    const text = commandText({ kind: 'ip-batch', lines: [['EOF'], ['EOF1']] });
    expect(text).toEqual(["ip -batch - <<'EOF2'", 'EOF', 'EOF1', 'EOF2']);
  });

  it('refuses batch tokens that ip -batch would split or treat as a comment', () => {
    for (const token of ['two words', 'quo"te', '#comment', 'back\\slash', '']) {
      expect(() => ipBatchFile([['link', 'set', 'dev', token, 'up']])).toThrow(/unsafe ip -batch token/);
    }
  });

  it('never lets a batch token end the here-document: a newline in it is shown escaped', () => {
    const token = 'x\nEOF\ntouch /tmp/INJECTED\ncat <<EOF2';
    const text = commandText({ kind: 'ip-batch', lines: [['link', 'del', token]] });
    expect(text).toEqual([
      "ip -batch - <<'EOF'",
      'link del x\\nEOF\\ntouch /tmp/INJECTED\\ncat <<EOF2',
      'EOF',
    ]);
    expect(text.join('\n').split('\n')).toHaveLength(3);
  });
});
