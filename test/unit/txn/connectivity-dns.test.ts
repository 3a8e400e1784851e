/**
 * The DNS check's UDP question against a real socket on the loopback interface (no namespace
 * needed: nothing about the machine's networking changes; the server is this test's own socket).
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, test } from 'vitest';
import { queryDns, replyRcode, rootNsQuery } from '../../../source/system/dns-query.js';

let server: Socket | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

/** A UDP server on 127.0.0.1 that answers each question with what `reply` makes of it. */
function startServer(reply: (query: Buffer) => Buffer | null): Promise<number> {
  const socket = createSocket('udp4');
  server = socket;
  socket.on('message', (query, from) => {
    const answer = reply(query);
    if (answer) socket.send(answer, from.port, from.address);
  });
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
}

/** The query turned into a response header: same id, QR set, the given rcode. */
function response(query: Buffer, rcode: number): Buffer {
  const answer = Buffer.from(query);
  answer.writeUInt16BE(0x8180 | rcode, 2);
  return answer;
}

describe('rootNsQuery / replyRcode', () => {
  test('the question is ". NS IN" with recursion desired', () => {
    expect(rootNsQuery(0x1234).toString('hex')).toBe('123401000001000000000000' + '00' + '0002' + '0001');
  });

  test('only a response to our id is a reply', () => {
    const query = rootNsQuery(7);
    expect(replyRcode(query, 7)).toBeNull(); // QR=0
    expect(replyRcode(response(query, 5), 7)).toBe(5);
    expect(replyRcode(response(query, 0), 8)).toBeNull();
    expect(replyRcode(Buffer.alloc(5), 7)).toBeNull();
  });
});

describe('queryDns', () => {
  test('any well-formed reply counts, REFUSED included', async () => {
    const port = await startServer((query) => response(query, 5));
    expect(await queryDns('127.0.0.1', { timeoutMs: 2_000, port })).toMatchObject({ ok: true, rcode: 5 });
  });

  test('a reply with another id is ignored, so the question times out (bounded)', async () => {
    const port = await startServer((query) => {
      const wrong = response(query, 0);
      wrong.writeUInt16BE((query.readUInt16BE(0) + 1) & 0xffff, 0);
      return wrong;
    });
    expect(await queryDns('127.0.0.1', { timeoutMs: 300, port })).toMatchObject({
      ok: false,
      reason: 'no reply in 300 ms',
    });
  });

  test('nobody listening: the ICMP port unreachable ends it before the timeout', async () => {
    const port = await startServer(() => null);
    server?.close();
    server = null;
    const reply = await queryDns('127.0.0.1', { timeoutMs: 5_000, port });
    expect(reply).toMatchObject({ ok: false, reason: expect.stringMatching(/ECONNREFUSED/) });
  });

  test('a nameserver that is not an address is refused without a socket', async () => {
    expect(await queryDns('dns.example', { timeoutMs: 100 })).toEqual({
      ok: false,
      reason: '"dns.example" is not an IP address',
      durationMs: 0,
    });
  });
});
