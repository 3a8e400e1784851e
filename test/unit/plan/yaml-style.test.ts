/**
 * Netplan files are edited in their own style, so the diff shows only what changes: cloud-init's
 * PyYAML style ("- " level with its key, "-   key:" for mapping items, 4-space steps), netplan's
 * documented style ("- " one step in) and yaml's 2-space "- " level with its key.
 */
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { detectStyle, renderYaml } from '../../../source/plan/persist/yaml-style.js';
import { planFor } from '../recordings/replay.js';

/** As cloud-init 24.x writes a static config (PyYAML, indent=4, sorted keys). */
const CLOUD_INIT_STYLE = `# This file is generated from information provided by the datasource.
network:
    ethernets:
        eth0:
            addresses:
            - 198.51.100.20/24
            nameservers:
                addresses:
                - 198.51.100.53
            routes:
            -   metric: 100
                to: default
                via: 198.51.100.1
    version: 2
`;

const NETPLAN_DOCS_STYLE = `network:
  version: 2
  ethernets:
    eth0:
      addresses:
        - 198.51.100.20/24
      routes:
        - to: default
          via: 198.51.100.1
`;

const TWO_SPACE_FLUSH = `network:
  ethernets:
    eth0:
      addresses:
      - 198.51.100.20/24
      routes:
      - to: default
        via: 198.51.100.1
  version: 2
`;

const HALF_STYLE = `network:
    ethernets:
        eth0:
            addresses:
              - 198.51.100.20/24
            routes:
              - to: default
                via: 198.51.100.1
    version: 2
`;

function reRendered(text: string, cloudInit = false): string {
  return renderYaml(parseDocument(text), detectStyle(text, cloudInit));
}

describe('YAML style', () => {
  it.each([
    ["cloud-init's PyYAML style", CLOUD_INIT_STYLE, { indent: 4, sequences: 'flush' }],
    ["netplan's documented style", NETPLAN_DOCS_STYLE, { indent: 2, sequences: 'indented' }],
    ['2-space flush', TWO_SPACE_FLUSH, { indent: 2, sequences: 'flush' }],
    ['4-space with "- " two columns in', HALF_STYLE, { indent: 4, sequences: 'half' }],
  ] as const)('reproduces %s byte for byte when nothing is edited', (_name, text, style) => {
    expect(reRendered(text)).toBe(text);
    expect(detectStyle(text, false)).toEqual(style);
  });

  it('changes exactly the edited line of a cloud-init style file', () => {
    const document = parseDocument(CLOUD_INIT_STYLE);
    document.setIn(['network', 'ethernets', 'eth0', 'routes', 0, 'metric'], 50);
    const after = renderYaml(document, detectStyle(CLOUD_INIT_STYLE, true));
    expect(after).toBe(CLOUD_INIT_STYLE.replace('-   metric: 100', '-   metric: 50'));
  });

  it("writes new lists in cloud-init's style when the file has none to judge by", () => {
    const text = 'network:\n    ethernets:\n        eth0:\n            dhcp4: true\n    version: 2\n';
    const document = parseDocument(text);
    document.setIn(
      ['network', 'bridges'],
      document.createNode({
        br0: { interfaces: ['eth0'], routes: [{ to: 'default', via: '198.51.100.1' }] },
      }),
    );
    expect(renderYaml(document, detectStyle(text, true))).toContain(
      '        br0:\n            interfaces:\n            - eth0\n            routes:\n            -   to: default\n                via: 198.51.100.1\n',
    );
  });

  it('leaves a block scalar with "- " lines intact (the style falls back when data would change)', () => {
    const text = 'a:\n    b:\n    - x\n    c: |\n        - not an item\n        - still text\n';
    const document = parseDocument(text);
    document.set('d', 1);
    const after = renderYaml(document, detectStyle(text, true));
    expect(parseDocument(after).toJS()).toEqual({
      a: { b: ['x'], c: '- not an item\n- still text\n' },
      d: 1,
    });
  });
});

describe('the netplan diff of ubuntu-netplan-static (cloud-init style)', () => {
  it('re-indents no line: nothing is removed and added back with only its spacing changed', async () => {
    const plan = await planFor('ubuntu-netplan-static');
    const diff = plan.config.find((file) => file.path === '/etc/netplan/50-cloud-init.yaml')?.diff ?? '';
    const lines = diff.split('\n').filter((line) => !line.startsWith('---') && !line.startsWith('+++'));
    const removed = lines.filter((line) => line.startsWith('-')).map((line) => line.slice(1));
    const added = new Set(lines.filter((line) => line.startsWith('+')).map((line) => line.slice(1)));
    const squeeze = (line: string) => line.replace(/\s+/g, ' ').trim();
    const addedSqueezed = new Map([...added].map((line) => [squeeze(line), line]));
    const respaced = removed.filter((line) => {
      const twin = addedSqueezed.get(squeeze(line));
      return twin !== undefined && twin !== line;
    });
    expect(respaced).toEqual([]);
    expect(plan.config[0]?.after).toContain(
      '            routes:\n            -   metric: 100\n                to: default\n                via: 198.51.100.1\n',
    );
    expect(plan.config[0]?.after).toContain('            interfaces:\n            - eth0\n');
  });
});
