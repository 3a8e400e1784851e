/**
 * Read access to the host's files, relative to --root-dir for configuration and absolute for the
 * kernel's views (/proc, /sys). Probes read through this interface so a capture can record every
 * file it saw and a replay can answer from the recording.
 */
export interface FileReader {
  /**
   * File contents, or null when it does not exist or cannot be read. With `maxBytes`, at most
   * that many bytes and one more are read, so a caller sees an oversized file as longer than its
   * cap without the whole of it (a hostile file may be huge) ever being held in memory.
   */
  readFile(path: string, options?: { maxBytes?: number }): Promise<string | null>;
  /** Entry names of a directory (sorted), or null when it does not exist. */
  listDir(path: string): Promise<string[] | null>;
  /** Target of a symbolic link, or null. */
  readLink(path: string): Promise<string | null>;
}
