/**
 * `networkctl list --no-legend --no-pager`: one line per link, "IDX LINK TYPE OPERATIONAL SETUP",
 * whitespace-aligned. This text table has kept its columns from systemd 219 to today, while the
 * JSON output of `list` differs between releases, so on systemd 252+ the text form is the stable
 * choice. --no-legend drops the header and the "N links listed." footer.
 */
export interface NetworkdLinkState {
  setupState: string;
  operationalState: string;
}

export function parseNetworkctlList(text: string): Record<string, NetworkdLinkState> {
  const links: Record<string, NetworkdLinkState> = {};
  for (const line of text.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 5 || !/^\d+$/.test(columns[0] ?? '')) continue;
    const [, name, , operational, setup] = columns as [string, string, string, string, string];
    links[name] = { operationalState: operational, setupState: setup };
  }
  return links;
}

/** Setup states in which networkd holds the link (unmanaged, pending and linger mean it does not). */
export function networkdManages(state: NetworkdLinkState | undefined): boolean {
  return state !== undefined && ['configuring', 'configured', 'failed'].includes(state.setupState);
}
