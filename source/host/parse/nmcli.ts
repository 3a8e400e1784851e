/**
 * `nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device`: terse rows separated by ":", where a ":" or
 * "\" inside a value is escaped with "\" (nmcli --escape yes, the default). A connection name like
 * "Wired: office" therefore arrives as "Wired\: office". An absent connection is empty (or "--" in
 * some releases).
 */
export interface NmDevice {
  type: string;
  state: string;
  connection: string | null;
}

export function splitTerse(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (char === '\\' && index + 1 < line.length) {
      current += line[++index];
    } else if (char === ':') {
      fields.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  fields.push(current);
  return fields;
}

export function parseNmcliDevices(text: string): Record<string, NmDevice> {
  const devices: Record<string, NmDevice> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [device, type = '', state = '', connection = ''] = splitTerse(line);
    if (!device) continue;
    devices[device] = {
      type,
      state,
      connection: connection === '' || connection === '--' ? null : connection,
    };
  }
  return devices;
}

/**
 * NetworkManager holds a device unless it is "unmanaged"; "connected (externally)" means NM only
 * mirrors a configuration something else made (it generated an in-memory connection), so it is not
 * the owner either.
 */
export function networkManagerManages(device: NmDevice | undefined): boolean {
  if (!device) return false;
  return device.state !== 'unmanaged' && !device.state.includes('externally');
}
