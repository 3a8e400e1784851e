/**
 * Netplan persistence: the file that configures the uplink is edited in place through the yaml
 * Document API, so its comments, its other stanzas and its indentation survive and the diff shows
 * only what changes. When no file names the uplink, a new file is written from the running config.
 *
 * cloud-init regenerates 50-cloud-init.yaml from its datasource unless its network config is
 * disabled ("To disable cloud-init's network configuration capabilities, write a file
 * /etc/cloud/cloud.cfg.d/99-disable-network-config.cfg with: network: {config: disabled}", the
 * file's own header), so that file is written too while cloud-init's network config is enabled.
 * The header alone proves nothing: the Ubuntu installer lets cloud-init write the file once and
 * then disables it (subiquity-disable-cloudinit-networking.cfg); the probe has read cloud-init's
 * own config for that (renderer.cloudInitNetwork).
 */
import { type Document, isCollection, isMap, parseDocument, Scalar, YAMLMap } from 'yaml';
import { findNetplanStanza } from '../../host/parse/netplan.js';
import type { PlanContext } from '../context.js';
import { leaseFor } from '../lease-identity.js';
import { warning } from '../preflight/verdict.js';
import type { ConfigFile, Verdict } from '../types.js';
import { cloudInitOff, describeCloudInitDisabled } from './cloud-init-disabled.js';
import { configFile } from './diff.js';
import { identityDropIn, netplanIdentity } from './netplan-identity.js';
import {
  bridgeStanza,
  hasIpv4Config,
  L3_KEYS,
  movedKeys,
  runtimeStanza,
  type Stanza,
} from './netplan-stanza.js';
import { runtimeConfig } from './runtime-config.js';
import { detectStyle, renderYaml } from './yaml-style.js';

export const CLOUD_INIT_DISABLE_PATH = '/etc/cloud/cloud.cfg.d/99-bridge-migrate-disable-network-config.cfg';
export const NEW_NETPLAN_PATH = '/etc/netplan/90-bridge-migrate.yaml';

export function netplanConfig(context: PlanContext): { files: ConfigFile[]; verdicts: Verdict[] } {
  const { renderer, target } = context;
  const { nic, bridge, uplink } = target;
  const netplanFiles = renderer.netplan.files;
  const stanza = findNetplanStanza(netplanFiles, {
    name: nic,
    mac: uplink.mac,
    permanentMac: uplink.permanentMac,
    driver: uplink.driver,
  });
  const edits = new Map<string, Document>();
  const touched = new Set<string>();
  const movedNodes = new Map<string, unknown>();
  const verdicts: Verdict[] = [];
  const open = (path: string): Document | null => {
    const cached = edits.get(path);
    if (cached) return cached;
    const file = netplanFiles.find((candidate) => candidate.path === path);
    const document = parseDocument(file?.content ?? '');
    if (document.errors.length > 0) return null;
    edits.set(path, document);
    return document;
  };

  // A bridge of the same name defined elsewhere (the NAT setup) is replaced, not merged into.
  for (const file of netplanFiles) {
    const document = open(file.path);
    if (!document?.hasIn(['network', 'bridges', bridge])) continue;
    document.deleteIn(['network', 'bridges', bridge]);
    const rest = document.getIn(['network', 'bridges'], true);
    if (isMap(rest) && rest.items.length === 0) document.deleteIn(['network', 'bridges']);
    touched.add(file.path);
  }

  let targetPath = NEW_NETPLAN_PATH;
  let l3: Stanza = runtimeStanza(runtimeConfig(context));
  let portId = nic;
  let networkd = (renderer.netplan.renderer ?? 'networkd') === 'networkd';
  let stanzaRenderer: unknown;
  if (stanza) {
    targetPath = stanza.file;
    portId = stanza.id;
    networkd = stanza.renderer === 'networkd';
    stanzaRenderer = stanza.config.renderer;
    const configured = movedKeys(stanza.config);
    if (hasIpv4Config(configured)) l3 = configured;
    else {
      l3 = { ...configured, ...l3 };
      verdicts.push(
        warning(
          'netplan-runtime-config',
          `The netplan stanza for ${nic} has no IPv4 config, so the bridge stanza takes the running one (${describe(l3)}).`,
          `Check the ${bridge} stanza in the diff before confirming.`,
        ),
      );
    }
    for (const path of stanza.files) {
      const document = open(path);
      const node = document?.getIn(['network', stanza.section, stanza.id], true);
      if (!document || !isMap(node)) {
        verdicts.push(unparseable(path));
        return { files: [], verdicts };
      }
      const last = path === stanza.file;
      // Lists and mappings defined in this one file move as they are written (flow style, comments).
      if (last && stanza.files.length === 1) {
        for (const key of L3_KEYS) {
          const value = node.get(key, true);
          if (isCollection(value)) movedNodes.set(key, value);
        }
      }
      // In the file that has the last word, dhcp4/dhcp6 stay where they are, turned off.
      for (const key of L3_KEYS) if (!(last && (key === 'dhcp4' || key === 'dhcp6'))) node.delete(key);
      if (last) {
        node.set('dhcp4', false);
        node.set('dhcp6', false);
      }
      touched.add(path);
    }
  }

  const document = open(targetPath) ?? null;
  if (!document) {
    verdicts.push(unparseable(targetPath));
    return { files: [], verdicts };
  }
  if (!stanza) {
    if (!document.has('network')) document.set('network', document.createNode({ version: 2 }));
    document.setIn(['network', 'ethernets', nic], document.createNode({ dhcp4: false, dhcp6: false }));
  }
  // Only a bridge that asks DHCP sends an identity; a static bridge gets neither key nor drop-in.
  const asksDhcp = l3.dhcp4 === true || l3.dhcp6 === true;
  const identity = asksDhcp
    ? netplanIdentity(leaseFor(context.snapshot, nic), context.target.uplink.mac)
    : netplanIdentity(null, null);
  const bridgeNode = document.createNode(
    bridgeStanza(context, {
      portId,
      networkd,
      l3,
      renderer: stanzaRenderer,
      identifier: identity.identifier,
    }),
  ) as YAMLMap;
  for (const [key, value] of movedNodes) if (bridgeNode.has(key)) bridgeNode.set(key, value);
  const mac = bridgeNode.get('macaddress', true);
  // A MAC of digits and colons is a base-60 number to YAML 1.1 readers (PyYAML); quote it.
  if (mac instanceof Scalar) mac.type = Scalar.QUOTE_DOUBLE;
  if (!isMap(document.getIn(['network', 'bridges'], true)))
    document.setIn(['network', 'bridges'], new YAMLMap());
  document.setIn(['network', 'bridges', bridge], bridgeNode);
  touched.add(targetPath);

  const files: ConfigFile[] = [];
  for (const path of touched) {
    const file = netplanFiles.find((candidate) => candidate.path === path);
    const before = file?.content ?? null;
    const after = render(edits.get(path) as Document, before ?? '', file?.cloudInit ?? false);
    const off = file?.cloudInit ? cloudInitOff(renderer) : null;
    const why = off
      ? ` ${describeCloudInitDisabled(off)}: the file is edited here, no cloud-init drop-in.`
      : '';
    const note =
      path === targetPath
        ? `${bridge} takes ${nic}'s addresses and routes; ${nic} becomes its port with DHCP off.${why}`
        : `Removes the old definition of ${bridge} (its NAT setup), replaced by the new one.${why}`;
    files.push(configFile(path, 'netplan', before, after, note));
  }
  const dropIn = networkd ? identityDropIn(bridge, identity) : null;
  if (dropIn) files.push(dropIn);
  if (renderer.cloudInitNetwork) files.push(cloudInitDisable(nic, bridge, targetPath));
  return { files, verdicts };
}

/** Written in the file's own style (see yaml-style.ts), so unchanged lines stay unchanged. */
function render(document: Document, original: string, cloudInit: boolean): string {
  return renderYaml(document, detectStyle(original, cloudInit));
}

function cloudInitDisable(nic: string, bridge: string, netplanPath: string): ConfigFile {
  const content = [
    `# Written by bridge-migrate when ${nic} moved into the bridge ${bridge}.`,
    `# cloud-init would otherwise write ${netplanPath} again from its datasource and undo the bridge.`,
    'network: {config: disabled}',
    '',
  ].join('\n');
  return configFile(
    CLOUD_INIT_DISABLE_PATH,
    'netplan',
    null,
    content,
    'Stops cloud-init from rewriting the netplan config.',
  );
}

function unparseable(path: string): Verdict {
  return warning(
    'netplan-unparseable',
    `${path} is not valid YAML, so the bridge cannot be written into it.`,
    'Fix the file (netplan generate shows the error), then plan again.',
  );
}

function describe(stanza: Stanza): string {
  if (stanza.dhcp4 === true) return 'DHCP';
  const addresses = Array.isArray(stanza.addresses) ? stanza.addresses : [];
  return addresses.length > 0 ? addresses.join(', ') : 'no address';
}
