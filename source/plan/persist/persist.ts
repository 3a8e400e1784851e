/**
 * The persistent config of a confirmed change, for the renderer chosen by --persist: files with
 * their current content, the content to write, and the diff between them. Nothing is written
 * here; txn/ writes these files only after the operator confirms.
 */
import type { PlanContext } from '../context.js';
import type { ConfigFile, Verdict } from '../types.js';
import { choosePersist, type PersistWith } from './choose.js';
import { ifupdownConfig } from './ifupdown.js';
import { netplanConfig } from './netplan.js';
import { networkManagerConfig } from './networkmanager.js';

export interface PersistPlan {
  with: PersistWith;
  files: ConfigFile[];
  verdicts: Verdict[];
}

export function buildPersist(context: PlanContext): PersistPlan {
  const choice = choosePersist(context.request.persist, context.renderer.owner, context.target.nic);
  switch (choice.with) {
    case 'none':
      return { with: 'none', files: [], verdicts: choice.verdicts };
    case 'netplan': {
      const netplan = netplanConfig(context);
      return { with: 'netplan', files: netplan.files, verdicts: [...choice.verdicts, ...netplan.verdicts] };
    }
    case 'ifupdown': {
      const ifupdown = ifupdownConfig(context);
      return {
        with: 'ifupdown',
        files: ifupdown.files,
        verdicts: [...choice.verdicts, ...ifupdown.verdicts],
      };
    }
    case 'networkmanager':
      return { with: 'networkmanager', files: networkManagerConfig(context), verdicts: choice.verdicts };
    default: {
      const unreachable: never = choice.with;
      return unreachable;
    }
  }
}
