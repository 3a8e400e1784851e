/**
 * Read access to the host's files, relative to --root-dir for configuration and absolute for the
 * kernel's views (/proc, /sys). Probes read through this interface so a capture can record every
 * file it saw and a replay can answer from the recording.
 */
export interface FileReader {
  /** File contents, or null when it does not exist or cannot be read. */
  readFile(path: string): Promise<string | null>;
  /** Entry names of a directory (sorted), or null when it does not exist. */
  listDir(path: string): Promise<string[] | null>;
  /** Target of a symbolic link, or null. */
  readLink(path: string): Promise<string | null>;
}
