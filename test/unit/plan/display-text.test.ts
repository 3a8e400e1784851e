import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../../source/plan/command-text.js';
import { displaySafe, hasUnsafeText } from '../../../source/plan/display-text.js';

describe('displaySafe', () => {
  it('escapes newlines, ESC and the other C0 controls, DEL, C1 controls and bidi overrides', () => {
    expect(displaySafe('ens18\nFAKE')).toBe('ens18\\nFAKE');
    expect(displaySafe('\x1b[2J\x1b]0;owned\x07')).toBe('\\x1b[2J\\x1b]0;owned\\x07');
    expect(displaySafe('a\tb\rc\x00d\x7f')).toBe('a\\tb\\rc\\x00d\\x7f');
    expect(displaySafe('\u009b31m')).toBe('\\u009b31m');
    expect(displaySafe('eth0\u202e0hte')).toBe('eth0\\u202e0hte');
    expect(displaySafe('\u2066x\u2069 \u200f \u2028')).toBe('\\u2066x\\u2069 \\u200f \\u2028');
  });

  it('escapes the invisible format characters: zero-width, word joiner, BOM, soft hyphen, tags', () => {
    expect(displaySafe('fc\u200bbr0')).toBe('fc\\u200bbr0');
    expect(displaySafe('\u200c\u200d\u2060\u2064\ufeff\u00ad\u180e')).toBe(
      '\\u200c\\u200d\\u2060\\u2064\\ufeff\\u00ad\\u180e',
    );
    // Tag characters spell invisible ASCII ("hi" here); bash's $'...' reads \U back.
    expect(displaySafe('ok\u{e0068}\u{e0069}\u{e007f}')).toBe('ok\\U000e0068\\U000e0069\\U000e007f');
    expect(hasUnsafeText('fcbr0\u2063')).toBe(true);
    expect(hasUnsafeText('fcbr0')).toBe(false);
    expect(shellQuote('fc\u200bbr0')).toBe("$'fc\\u200bbr0'");
    // Astral text that is visible (an emoji) stays as it is.
    expect(displaySafe('ok \u{1f600}')).toBe('ok \u{1f600}');
  });

  it('leaves printable text alone (UTF-8 typography, backslashes), so a second pass changes nothing', () => {
    const text = 'udhcpc -s /tmp/a\\b → fcbr0 — “ok” ✓';
    expect(displaySafe(text)).toBe(text);
    const once = displaySafe('x\n\x1by\u202e');
    expect(displaySafe(once)).toBe(once);
    expect(hasUnsafeText(once)).toBe(false);
    expect(hasUnsafeText('x\ny')).toBe(true);
  });

  it('keeps the line breaks of output the tool wrote itself when asked', () => {
    expect(displaySafe('line one\nname \x1b[31mred\n', { keepNewlines: true })).toBe(
      'line one\nname \\x1b[31mred\n',
    );
  });

  it('quotes a command token with a control character as $-quoted text that bash reads back to the same bytes', () => {
    expect(shellQuote('ens18\nFAKE')).toBe("$'ens18\\nFAKE'");
    expect(shellQuote("it's\x1b")).toBe("$'it\\'s\\x1b'");
    expect(shellQuote('a\\b\u202e')).toBe("$'a\\\\b\\u202e'");
    expect(shellQuote('plain-name')).toBe('plain-name');
  });
});
