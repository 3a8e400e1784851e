/**
 * The operator's own path: the client address from $SSH_CONNECTION and the interface the kernel
 * would send replies out of (`ip -j route get CLIENT`). The address is validated before it reaches
 * argv; a link-local client's zone already names the interface.
 */
import { succeeded } from '../../system/runner.js';
import { parseRouteGetDev } from '../parse/ip-route.js';
import { parseSshConnection } from '../parse/ssh-connection.js';
import type { SshPath } from '../snapshot.js';
import { type ProbeContext, type ProbeOutcome, runTool, whyNot } from './context.js';

export function routeGetArgv(address: string): string[] {
  return ['ip', '-j', 'route', 'get', address];
}

export async function probeSshPath(context: ProbeContext): Promise<ProbeOutcome<SshPath | null>> {
  const raw = context.env.sshConnection;
  if (!raw) return { value: null, note: 'not an SSH session' };
  const connection = parseSshConnection(raw);
  if (!connection) return { value: null, note: `SSH_CONNECTION "${raw}" is not "client port server port"` };
  const { zone, ...path } = connection;
  if (zone) return { value: { ...path, viaDev: zone }, note: null };
  const result = await runTool(context, routeGetArgv(connection.clientAddr));
  if (!succeeded(result)) return { value: { ...path, viaDev: null }, note: whyNot(result) };
  return { value: { ...path, viaDev: parseRouteGetDev(result.stdout) }, note: null };
}
