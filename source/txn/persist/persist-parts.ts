/**
 * The parts of the persist transaction, in order, as data: the TUI and `confirm` show each one as it
 * runs, from the same titles.
 */
export const PERSIST_PARTS = ['validate', 'back-up', 'write', 'hand-over', 'verify'] as const;
export type PersistPart = (typeof PERSIST_PARTS)[number];

export function persistPartTitle(part: PersistPart, renderer: string): string {
  switch (part) {
    case 'validate':
      return `Check the new ${renderer} config in a scratch copy`;
    case 'back-up':
      return 'Back up every file it replaces';
    case 'write':
      return 'Write the new files';
    case 'hand-over':
      return `Let ${renderer} take over the bridge`;
    case 'verify':
      return 'Verify: same addresses, default route and checks as before';
    default: {
      const unreachable: never = part;
      return unreachable;
    }
  }
}

export type PersistPartState = 'running' | 'ok' | 'failed';

export interface PersistPartEvent {
  part: PersistPart;
  state: PersistPartState;
  /** What it did (the files written) or why it failed. */
  detail?: string;
}
