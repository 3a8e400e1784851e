#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the tool and its tests use: iproute2 for every probe and
# change, the lab's real services (dnsmasq, busybox udhcpc, sshd, systemd-networkd via netplan,
# ifupdown, ISC dhclient), the firewall tools the probe reads, and tmux for the real-terminal tests.
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail
packages=(
  iproute2 iputils-ping procps kmod
  dnsmasq-base busybox udhcpc isc-dhcp-client
  netplan.io ifupdown bridge-utils
  systemd dbus-daemon
  iptables nftables
  openssh-server openssh-client
  tmux socat util-linux time
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "system packages: all present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "system packages missing (${missing[*]}): run this script as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends keeps the machine small; policy-rc.d stops Debian from starting the
# installed daemons (sshd, dnsmasq) on the host itself: the lab starts its own inside namespaces.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.bridge-migrate
chmod +x /usr/sbin/policy-rc.d.bridge-migrate
restore_policy=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  cp /usr/sbin/policy-rc.d.bridge-migrate /usr/sbin/policy-rc.d
  restore_policy=1
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}"
((restore_policy)) && rm -f /usr/sbin/policy-rc.d
rm -f /usr/sbin/policy-rc.d.bridge-migrate
echo "system packages: installed ${missing[*]}"
