/**
 * $SSH_CONNECTION is "CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT" (sshd sets it; ssh(1),
 * ENVIRONMENT). A link-local client may carry a zone ("fe80::1%ens18"), which names the interface.
 */
import { isIP } from 'node:net';

export interface SshConnection {
  clientAddr: string;
  clientPort: number;
  serverAddr: string;
  serverPort: number;
  /** The zone of a link-local client address, when it has one. */
  zone: string | null;
}

export function parseSshConnection(text: string | null): SshConnection | null {
  const fields = text?.trim().split(/\s+/) ?? [];
  if (fields.length !== 4) return null;
  const [client = '', clientPort = '', server = '', serverPort = ''] = fields;
  const [clientAddr = '', zone = null] = client.split('%');
  const serverAddr = server.split('%')[0] ?? '';
  if (!isIP(clientAddr) || !isIP(serverAddr) || !isPort(clientPort) || !isPort(serverPort)) return null;
  return { clientAddr, clientPort: Number(clientPort), serverAddr, serverPort: Number(serverPort), zone };
}

function isPort(text: string): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) <= 65535;
}
