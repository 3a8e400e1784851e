/**
 * Who manages an interface, decided from the facts the renderer probe gathered (files and runtime
 * state), for any interface: the probe asks about the uplink, the planner may ask about another
 * NIC. Pure: a function of the snapshot.
 *
 * Order of precedence, most specific first: a netplan stanza naming the interface (netplan writes
 * the config of networkd or NetworkManager, and is what comes back at boot); an ifupdown stanza or
 * port list naming it; NetworkManager holding the device; networkd holding it; netplan handing
 * every device to NetworkManager; otherwise nothing.
 */
import { ifupdownMethod, ifupdownPortOf, parseInterfaces } from './parse/ifupdown.js';
import { findNetplanStanza, netplanGlobalRenderer, netplanPortOf } from './parse/netplan.js';
import { networkdManages } from './parse/networkctl.js';
import { networkManagerManages } from './parse/nmcli.js';
import type { HostSnapshot, Renderer, RendererName } from './snapshot.js';

export function rendererOwnerFor(
  snapshot: Pick<HostSnapshot, 'renderer' | 'links'>,
  ifname: string,
): Renderer {
  const facts = snapshot.renderer;
  const link = snapshot.links.find((candidate) => candidate.name === ifname);
  const evidence: string[] = [];

  const stanza = findNetplanStanza(facts.netplan.files, {
    name: ifname,
    mac: link?.mac ?? null,
    permanentMac: link?.permanentMac ?? null,
    driver: link?.driver ?? null,
  });
  if (stanza) {
    const how = stanza.via === 'id' ? 'names' : stanza.via === 'match' ? 'matches' : 'matches and renames';
    evidence.push(
      `netplan ${stanza.section}.${stanza.id} in ${stanza.files.join(', ')} ${how} ${ifname} (renderer ${stanza.renderer})`,
    );
    if (facts.netplan.files.some((file) => file.path === stanza.file && file.cloudInit)) {
      evidence.push(`${stanza.file} is written by cloud-init`);
    }
  }
  for (const port of netplanPortOf(facts.netplan.files, ifname)) {
    evidence.push(`netplan ${port.id} in ${port.file} has ${ifname} as a port`);
  }

  const interfaces = facts.ifupdown.files.map((file) => parseInterfaces(file.content));
  const method = ifupdownMethod(interfaces, ifname);
  const ifupdownPorts = ifupdownPortOf(interfaces, ifname);
  if (method) evidence.push(`ifupdown: iface ${ifname} inet ${method}`);
  for (const owner of ifupdownPorts) evidence.push(`ifupdown: ${owner} lists ${ifname} as a port`);

  const nmDevice = facts.networkManager.devices[ifname];
  if (nmDevice)
    evidence.push(
      `NetworkManager: ${ifname} ${nmDevice.state}${nmDevice.connection ? ` (${nmDevice.connection})` : ''}`,
    );
  const networkdLink = facts.networkd.links[ifname];
  if (networkdLink) evidence.push(`networkd: ${ifname} ${networkdLink.setupState}`);

  const globalRenderer = netplanGlobalRenderer(facts.netplan.files);
  // Without a runtime answer (no nmcli, or --root-dir), netplan's global renderer is the best guess.
  const nmAnswered = facts.networkManager.running;
  let owner: RendererName = 'none';
  if (stanza) owner = 'netplan';
  else if (method || ifupdownPorts.length > 0) owner = 'ifupdown';
  else if (networkManagerManages(nmDevice)) owner = 'networkmanager';
  else if (networkdManages(networkdLink)) owner = 'networkd';
  else if (globalRenderer === 'NetworkManager' && !nmAnswered) {
    owner = 'networkmanager';
    evidence.push('netplan hands every device to NetworkManager');
  }
  if (owner === 'none') evidence.push(`nothing found that manages ${ifname}`);

  return {
    ...facts,
    owner,
    evidence,
    netplan: {
      ...facts.netplan,
      renderer: stanza?.renderer ?? globalRenderer,
      uplinkConfig: stanza?.config ?? null,
      uplinkFile: stanza?.file ?? null,
    },
    ifupdown: { ...facts.ifupdown, uplinkMethod: method },
  };
}
