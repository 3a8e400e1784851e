/**
 * Whether the terminal can show UTF-8 box drawing: a Linux console (TERM=linux), a serial line
 * (vt100) or a C/POSIX locale cannot, and noVNC consoles are often one of these.
 */
export function prefersAscii(env: NodeJS.ProcessEnv): boolean {
  const term = env.TERM ?? '';
  if (term === 'linux' || term === 'vt100' || term === 'vt220' || term === 'dumb') return true;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return !/utf-?8/i.test(locale);
}
