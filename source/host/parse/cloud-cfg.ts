/**
 * cloud-init's own config: /etc/cloud/cloud.cfg, then /etc/cloud/cloud.cfg.d/*.cfg in lexical
 * order, the later ones winning. `network: {config: disabled}` stops cloud-init from rewriting the
 * network configuration at boot (cloud-init docs, "Network configuration: Disabling").
 */
import { parse } from 'yaml';
import { isObject } from './json-fields.js';

/** The network.config value of one file: "disabled", another value, or null when it says nothing. */
export function cloudNetworkSetting(content: string): string | null {
  try {
    const document = parse(content);
    if (!isObject(document) || !isObject(document.network)) return null;
    const config = document.network.config;
    return typeof config === 'string' ? config : config === undefined ? null : 'enabled';
  } catch {
    return null;
  }
}

/** Whether the last file that sets network.config disables it; files in cloud-init's reading order. */
export function cloudNetworkDisabled(contents: string[]): boolean {
  let disabled = false;
  for (const content of contents) {
    const setting = cloudNetworkSetting(content);
    if (setting !== null) disabled = setting === 'disabled';
  }
  return disabled;
}
