/**
 * Terminal size, following resizes. An explicit size wins (tests, and callers that know better
 * than a stream without `columns`); a stream without a size is taken as 80x24, the smallest
 * terminal the UI promises to fit.
 */
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface Viewport {
  columns: number;
  rows: number;
}

export const MIN_VIEWPORT: Viewport = { columns: 40, rows: 16 };

export function useViewport(fixed?: Partial<Viewport>): Viewport {
  const { stdout } = useStdout();
  const fixedColumns = fixed?.columns;
  const fixedRows = fixed?.rows;
  const measure = (): Viewport => ({
    columns: Math.max(MIN_VIEWPORT.columns, fixedColumns ?? stdout.columns ?? 80),
    rows: Math.max(MIN_VIEWPORT.rows, fixedRows ?? stdout.rows ?? 24),
  });
  const [viewport, setViewport] = useState(measure);
  // biome-ignore lint/correctness/useExhaustiveDependencies: measure reads exactly these inputs
  useEffect(() => {
    const update = () => {
      const next = measure();
      setViewport((current) =>
        current.columns === next.columns && current.rows === next.rows ? current : next,
      );
    };
    update();
    stdout.on('resize', update);
    return () => {
      stdout.off('resize', update);
    };
  }, [stdout, fixedColumns, fixedRows]);
  return viewport;
}
