/**
 * Shell-style glob (fnmatch without flags): "*", "?" and "[...]" classes. netplan `match: name:`,
 * networkd `Name=` and ifupdown `source` patterns all use this syntax.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const end = pattern.indexOf(']', index + 2);
      if (end === -1) source += '\\[';
      else {
        let body = pattern.slice(index + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        index = end;
      }
    } else source += char.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function globMatches(pattern: string, value: string): boolean {
  return globToRegExp(pattern).test(value);
}

export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}
