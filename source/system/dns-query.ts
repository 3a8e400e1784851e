/**
 * One bounded DNS question over UDP, to learn whether a nameserver answers at all: ". NS" (the
 * root's nameservers) is a question every resolver can answer from its root hints or cache, with
 * no name of ours involved. Any well-formed reply counts, whatever its rcode: a REFUSED or
 * SERVFAIL still proves that the path to the server and back works, which is all the connectivity
 * check asks. Uses node:dgram directly because resolv.conf's options (timeouts, rotation,
 * search lists) and the libc resolver's retries would make the check slow and unbounded.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';

export interface DnsQueryOptions {
  timeoutMs: number;
  /** 53 unless a test server listens elsewhere. */
  port?: number;
}

export type DnsReply =
  | { ok: true; rcode: number; durationMs: number }
  | { ok: false; reason: string; durationMs: number };

export type QueryDns = (server: string, options: DnsQueryOptions) => Promise<DnsReply>;

const HEADER_BYTES = 12;
const TYPE_NS = 2;
const CLASS_IN = 1;

/** The query packet: header with RD set, one question for the root name, type NS, class IN. */
export function rootNsQuery(id: number): Buffer {
  const packet = Buffer.alloc(HEADER_BYTES + 5);
  packet.writeUInt16BE(id, 0);
  packet.writeUInt16BE(0x0100, 2); // QR=0, opcode QUERY, RD=1
  packet.writeUInt16BE(1, 4); // QDCOUNT
  packet[HEADER_BYTES] = 0; // the root name: one empty label
  packet.writeUInt16BE(TYPE_NS, HEADER_BYTES + 1);
  packet.writeUInt16BE(CLASS_IN, HEADER_BYTES + 3);
  return packet;
}

/** The reply's rcode when `packet` answers query `id`, or null when it is not such a reply. */
export function replyRcode(packet: Buffer, id: number): number | null {
  if (packet.length < HEADER_BYTES) return null;
  if (packet.readUInt16BE(0) !== id) return null;
  const flags = packet.readUInt16BE(2);
  if ((flags & 0x8000) === 0) return null; // QR=0: a query, not a response
  return flags & 0x000f;
}

export const queryDns: QueryDns = (server, options) => {
  const family = isIP(server);
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  if (family === 0)
    return Promise.resolve({ ok: false, reason: `"${server}" is not an IP address`, durationMs: 0 });
  const port = options.port ?? 53;
  const id = randomInt(0, 0x10000);
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  return new Promise<DnsReply>((resolve) => {
    let settled = false;
    const finish = (reply: DnsReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: `no reply in ${options.timeoutMs} ms`, durationMs: elapsed() }),
      options.timeoutMs,
    );
    socket.on('error', (error) => finish({ ok: false, reason: error.message, durationMs: elapsed() }));
    socket.on('message', (packet, from) => {
      // Only the server asked, from its DNS port, with our id: anything else is ignored.
      if (from.port !== port || !sameAddress(from.address, server)) return;
      const rcode = replyRcode(packet, id);
      if (rcode !== null) finish({ ok: true, rcode, durationMs: elapsed() });
    });
    // connect() makes the kernel report ICMP port unreachable as an error instead of a silent wait.
    socket.connect(port, server, () => {
      socket.send(rootNsQuery(id), (error) => {
        if (error) finish({ ok: false, reason: error.message, durationMs: elapsed() });
      });
    });
  });
};

function sameAddress(a: string, b: string): boolean {
  const strip = (text: string) => text.replace(/^::ffff:/, '').toLowerCase();
  return strip(a) === strip(b);
}
