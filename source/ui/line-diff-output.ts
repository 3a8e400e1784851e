/**
 * Ink's output stream, rewriting only the lines that changed. Ink (log-update, standard mode)
 * redraws its live region whole: it erases the previous frame line by line and writes the new
 * one. Over a slow SSH link the countdown would then resend its key hints and check lines every
 * second to change one number. Ink 6.8's own incremental mode is off (app.tsx: it left stale lines
 * on screen), so this wrapper does the same job from the outside, on the exact bytes log-update
 * writes:
 *
 * - A frame is `eraseLines(n)` (ESC[2K, then ESC[1A ESC[2K n-1 times, then ESC[G) followed by the
 *   new lines, each ended by "\n". When n is the height of the frame this stream last passed on
 *   (plus the line the cursor waits on), it is a redraw of that frame: the cursor goes up to the
 *   frame's first line, steps over each line that is the same ("\n"), rewrites each line that
 *   differs (ESC[2K, the line, "\n"), and erases whatever the old frame had below (ESC[J). The
 *   screen ends exactly as log-update's own write would have left it, cursor included.
 * - Anything else (the first frame, <Static> output, a clear, cursor show/hide, a frame after any
 *   of those) goes through untouched and forgets the last frame, so an unknown screen is never
 *   patched. The synchronized-output markers Ink brackets a frame with go through and keep it.
 */

const ESC = '\u001B[';
const FRAME = /^((?:\u001B\[2K\u001B\[1A)*\u001B\[2K\u001B\[G)([\s\S]*)$/;
/** Only SGR (colors, bold) may appear inside a frame's lines; anything else moves the cursor. */
const NOT_SGR = /\u001B(?!\[[0-9;]*m)/;
const SYNC_MARKERS = new Set([`${ESC}?2026h`, `${ESC}?2026l`]);

type Write = NodeJS.WriteStream['write'];

/** What a frame chunk shows: its lines, or null when the chunk is not a plain frame. */
function frameLines(body: string): string[] | null {
  if (!body.endsWith('\n') || NOT_SGR.test(body)) return null;
  return body.slice(0, -1).split('\n');
}

export interface LineDiffer {
  /** The bytes to send for `chunk` instead of `chunk` itself. */
  transform(chunk: string): string;
}

export function createLineDiffer(): LineDiffer {
  /** The lines of the frame on screen, the cursor on the line after it; null when unknown. */
  let shown: string[] | null = null;
  return {
    transform(chunk) {
      if (SYNC_MARKERS.has(chunk)) return chunk;
      const frame = FRAME.exec(chunk);
      const erased = frame ? (frame[1] as string).split(`${ESC}2K`).length - 1 : 0;
      const body = frame ? (frame[2] as string) : chunk;
      const next = frameLines(body);
      const previous = shown;
      shown = next;
      if (!frame || next === null || previous === null || erased !== previous.length + 1) return chunk;
      let out = previous.length > 0 ? `${ESC}${previous.length}A` : '';
      next.forEach((line, index) => {
        out += index < previous.length && previous[index] === line ? '\n' : `${ESC}2K${line}\n`;
      });
      if (next.length < previous.length) out += `${ESC}J`;
      return out;
    },
  };
}

/**
 * `stream` with its `write` passing through a LineDiffer; everything else (size, TTY-ness,
 * resize events, the writable state Ink checks when it unmounts) is the stream's own.
 */
export function lineDiffOutput(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  const differ = createLineDiffer();
  const write = ((chunk: unknown, ...rest: unknown[]) =>
    (stream.write as (...args: unknown[]) => boolean)(
      typeof chunk === 'string' ? differ.transform(chunk) : chunk,
      ...rest,
    )) as Write;
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') return write;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
