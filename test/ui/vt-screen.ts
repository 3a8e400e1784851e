/**
 * A small terminal for the tests: it takes the bytes Ink writes (text, CR/LF, the cursor and erase
 * sequences log-update uses, SGR colors ignored) and keeps the screen an operator would see at a
 * fixed size, with the lines that scrolled off the top kept as scrollback. Enough of a VT100 to
 * tell what a real 80x24 terminal shows, and to count every byte sent to it.
 */
export class VtScreen {
  /** Every line ever shown; the last `rows` are the screen. */
  private lines: string[][] = [[]];
  private row = 0;
  private col = 0;
  bytes = 0;
  /** Full-screen clears (ESC[2J): Ink sends one when the live region reaches the terminal's height. */
  clears = 0;

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {}

  private get top(): number {
    return Math.max(0, this.lines.length - this.rows);
  }

  private line(index: number): string[] {
    while (this.lines.length <= index) this.lines.push([]);
    return this.lines[index] as string[];
  }

  private lineFeed(): void {
    this.row += 1;
    this.line(this.row);
  }

  write(chunk: string): void {
    this.bytes += Buffer.byteLength(chunk);
    // CSI sequences, the two-byte escapes, or one character (a code point).
    const tokens = chunk.match(/\u001B\[[0-9;?]*[A-Za-z]|\u001B[^[]|[\s\S]/gu) ?? [];
    for (const token of tokens) {
      if (token.startsWith('\u001B[')) this.csi(token);
      else if (token.startsWith('\u001B')) continue;
      else if (token === '\n') {
        // The tty's ONLCR (kept on in raw mode by libuv) makes a line feed a CR LF.
        this.col = 0;
        this.lineFeed();
      } else if (token === '\r') this.col = 0;
      else this.put(token);
    }
  }

  private put(char: string): void {
    if (this.col >= this.columns) {
      this.col = 0;
      this.lineFeed();
    }
    const line = this.line(this.row);
    while (line.length < this.col) line.push(' ');
    line[this.col] = char;
    this.col += 1;
  }

  private csi(token: string): void {
    const final = token.at(-1);
    const params = token.slice(2, -1);
    const n = params === '' || params.startsWith('?') ? 1 : Number(params.split(';')[0]) || 1;
    switch (final) {
      case 'A':
        this.row = Math.max(this.top, this.row - n);
        break;
      case 'B':
        this.row += n;
        this.line(this.row);
        break;
      case 'E':
        this.col = 0;
        this.row += n;
        this.line(this.row);
        break;
      case 'G':
        this.col = params === '' ? 0 : n - 1;
        break;
      case 'H':
        this.row = this.top;
        this.col = 0;
        break;
      case 'K': {
        const line = this.line(this.row);
        if (params === '2') line.length = 0;
        else line.length = Math.min(line.length, this.col);
        break;
      }
      case 'J':
        if (params === '' || params === '0') {
          // Erase below: the rest of this line and every line under it.
          const line = this.line(this.row);
          line.length = Math.min(line.length, this.col);
          for (let index = this.row + 1; index < this.lines.length; index++) this.lines[index] = [];
        } else if (params === '2') {
          this.clears += 1;
          for (let index = this.top; index < this.lines.length; index++) this.lines[index] = [];
        } else if (params === '3') {
          const top = this.top;
          this.lines = this.lines.slice(top);
          this.row = Math.max(0, this.row - top);
        }
        break;
      default:
        // SGR colors (m), cursor show/hide and synchronized output (h/l): nothing on screen moves.
        break;
    }
  }

  /** The screen as text: exactly `rows` lines, trailing spaces trimmed. */
  screen(): string[] {
    const shown = this.lines.slice(this.top).map((line) => line.join('').trimEnd());
    while (shown.length < this.rows) shown.push('');
    return shown;
  }

  /** Everything written that is still visible or in the scrollback. */
  scrollback(): string[] {
    return this.lines.map((line) => line.join('').trimEnd());
  }
}
