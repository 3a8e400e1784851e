import { Text } from 'ink';
import { useUi } from '../context.js';
import { toneStyle } from '../rows.js';

/** A spinner glyph for the given frame of the screen's shared spinner clock. */
export function Spinner({ frame }: { frame: number }) {
  const { glyphs, color } = useUi();
  const frames = glyphs.spinner;
  return <Text {...toneStyle('accent', color)}>{frames[frame % frames.length]}</Text>;
}
