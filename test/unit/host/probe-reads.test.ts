import { describe, expect, it } from 'vitest';
import { probeHost } from '../../../source/host/probe.js';
import { cmd, fakeHost } from './fake-host.js';
import { proxmoxVmSpec, SSH_CONNECTION } from './probe-host-spec.js';

/**
 * Pins what the probe runs and reads: recordings (recordings/hosts/*.json) must answer exactly
 * these, so a change here means the recordings need the new entries too.
 */
describe('what probeHost runs and reads', () => {
  it('runs this fixed list of commands (plus `ip -j route get CLIENT` over SSH)', async () => {
    const host = fakeHost(proxmoxVmSpec());
    await probeHost({
      runner: host.runner,
      files: host.files,
      env: { uid: 0, sshConnection: SSH_CONNECTION, rootDir: '/' },
    });
    expect(host.calls.map((argv) => argv.join(' ')).sort()).toEqual([
      'busctl --system --timeout=2 status org.freedesktop.network1',
      'ip -4 -j route show table all',
      'ip -4 -j rule show',
      'ip -6 -j route show table all',
      'ip -6 -j rule show',
      'ip -j -d link show',
      'ip -j address show',
      'ip -j route get 192.168.18.50',
      'iptables-save',
      'networkctl list --no-legend --no-pager',
      'nft -a list ruleset',
      'nft -j list ruleset',
      'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device',
      'ps -eo pid=,netns=,args=',
      'systemd-detect-virt',
    ]);
  });

  it('reads these paths, per link and per DHCP client as listed', async () => {
    const host = fakeHost(proxmoxVmSpec());
    await probeHost({
      runner: host.runner,
      files: host.files,
      env: { uid: 0, sshConnection: null, rootDir: '/' },
    });
    const perLink = (name: string) => [
      `dir /sys/class/net/${name}/phy80211`,
      `dir /sys/class/net/${name}/wireless`,
      `link /sys/class/net/${name}/device/driver`,
    ];
    expect([...new Set(host.reads)].sort()).toEqual(
      [
        'dir /etc/cloud/cloud.cfg.d',
        'dir /etc/netplan',
        'dir /lib/netplan',
        'dir /run/netplan',
        'dir /sys/module/br_netfilter',
        'file /etc/cloud/cloud.cfg',
        'file /etc/cloud/cloud.cfg.d/05_logging.cfg',
        // Whether cloud-init runs at all: its marker files and the kernel command line.
        'file /etc/cloud/cloud-init.disabled',
        'file /etc/cloud/cloud-init.enabled',
        'file /proc/cmdline',
        // The firewall loaded at boot, whose NAT for the bridge would come back (firewall-files.ts).
        'file /etc/iptables/rules.v4',
        'file /etc/netplan/50-cloud-init.yaml',
        'file /etc/network/interfaces',
        'file /etc/nftables.conf',
        'file /etc/resolv.conf',
        'file /proc/2301/cmdline',
        'file /proc/2301/stat',
        'file /proc/2301/status',
        'file /proc/2302/cmdline',
        'file /proc/2302/stat',
        'file /proc/2302/status',
        'file /proc/2303/cmdline',
        'file /proc/2303/stat',
        'file /proc/2303/status',
        'link /proc/2301/exe',
        'link /proc/2302/exe',
        'link /proc/2303/exe',
        'file /proc/sys/kernel/hostname',
        'file /proc/sys/net/bridge/bridge-nf-call-ip6tables',
        'file /proc/sys/net/bridge/bridge-nf-call-iptables',
        'file /proc/sys/net/ipv4/ip_forward',
        // The lease identity of the interfaces that hold a lease (ens18) or run a client (fcbr0):
        // networkd's link state files, which name no lease here.
        'file /run/systemd/netif/links/2',
        'file /run/systemd/netif/links/3',
        'file /run/systemd/resolve/resolv.conf',
        'file /sys/class/dmi/id/bios_vendor',
        'file /sys/class/dmi/id/bios_version',
        'file /sys/class/dmi/id/chassis_asset_tag',
        'file /sys/class/dmi/id/product_name',
        'file /sys/class/dmi/id/product_version',
        'file /sys/class/dmi/id/sys_vendor',
        'link /proc/self/ns/net',
        ...['lo', 'ens18', 'fcbr0', 'fctap0'].flatMap(perLink),
      ].sort(),
    );
  });

  it('follows ifupdown source lines and finds Wi-Fi from /sys (a Debian laptop)', async () => {
    const spec = proxmoxVmSpec();
    spec.commands[cmd('ip', '-j', '-d', 'link', 'show')] = {
      stdout: JSON.stringify([
        { ifindex: 1, ifname: 'lo', mtu: 65536, operstate: 'UNKNOWN', flags: [] },
        { ifindex: 2, ifname: 'ens18', mtu: 1500, operstate: 'UP', flags: [], address: 'bc:24:11:5e:8a:01' },
        { ifindex: 3, ifname: 'wlp3s0', mtu: 1500, operstate: 'UP', flags: [], address: '3c:a9:f4:11:22:33' },
      ]),
    };
    spec.files = {
      ...spec.files,
      '/etc/network/interfaces':
        'source /etc/network/interfaces.d/*\nsource-directory /etc/network/more\nauto lo\niface lo inet loopback\n',
      '/etc/network/interfaces.d/ens18':
        'allow-hotplug ens18\niface ens18 inet static\n  address 192.168.18.240/24\n',
      '/etc/network/more/wifi': 'iface wlp3s0 inet dhcp\n',
    };
    delete spec.files['/etc/netplan/50-cloud-init.yaml'];
    spec.dirs = {
      '/etc/network/interfaces.d': ['.hidden', 'ens18'],
      '/etc/network/more': ['wifi', 'skip.cfg'],
      '/sys/class/net/wlp3s0/phy80211': ['index', 'name'],
    };
    const host = fakeHost(spec);
    const snapshot = await probeHost({
      runner: host.runner,
      files: host.files,
      env: { uid: 0, sshConnection: null, rootDir: '/' },
    });
    expect(snapshot.renderer.ifupdown.files.map((file) => file.path)).toEqual([
      '/etc/network/interfaces',
      '/etc/network/interfaces.d/ens18',
      '/etc/network/more/wifi',
    ]);
    expect(snapshot.renderer).toMatchObject({
      owner: 'ifupdown',
      ifupdown: { uplinkMethod: 'static' },
      cloudInitNetwork: false,
    });
    expect(snapshot.links.find((link) => link.name === 'wlp3s0')?.wireless).toBe(true);
    expect(snapshot.links.find((link) => link.name === 'ens18')?.wireless).toBe(false);
    expect(host.reads).not.toContain('file /etc/network/interfaces.d/.hidden');
    expect(host.reads).not.toContain('file /etc/network/more/skip.cfg');
  });
});
