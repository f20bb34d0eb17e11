import { describe, expect, it } from 'vitest';
import { buildLabels, instanceLabelFilter, parseLabels, type PyhostLabels } from '../../src/runtime/labels.js';

const webapp: PyhostLabels = { instance: 'dev', user: 'alice', kind: 'webapp', workload: 7, generation: 3 };
const consoleLabels: PyhostLabels = { instance: 'dev', user: 'bob', kind: 'console', workload: 2, generation: null };

describe('buildLabels', () => {
  it.each([
    [
      'webapp',
      webapp,
      {
        'io.pyhost.managed': 'true',
        'io.pyhost.instance': 'dev',
        'io.pyhost.user': 'alice',
        'io.pyhost.kind': 'webapp',
        'io.pyhost.workload': '7',
        'io.pyhost.webapp': '7',
        'io.pyhost.generation': '3',
      },
    ],
    [
      'console: the user\'s id, no generation',
      consoleLabels,
      { 'io.pyhost.managed': 'true', 'io.pyhost.instance': 'dev', 'io.pyhost.user': 'bob', 'io.pyhost.kind': 'console', 'io.pyhost.workload': '2' },
    ],
  ])('%s', (_name, input, expected) => {
    expect(buildLabels(input)).toEqual(expected);
  });

  it.each<[string, PyhostLabels]>([
    ['webapp kind without workload id', { ...webapp, workload: null }],
    ['console without workload id', { ...consoleLabels, workload: null }],
    ['webapp without generation', { ...webapp, generation: null }],
    ['negative generation', { ...webapp, generation: -1 }],
    ['fractional workload id', { ...webapp, workload: 1.5 }],
    ['empty user', { ...webapp, user: '' }],
    ['instance with a slash', { ...webapp, instance: 'a/b' }],
    ['empty instance', { ...webapp, instance: '' }],
  ])('rejects %s', (_name, input) => {
    expect(() => buildLabels(input)).toThrow();
  });
});

describe('parseLabels', () => {
  it.each<[string, PyhostLabels]>([
    ['webapp', webapp],
    ['console', consoleLabels],
    ['always-on task, generation 0', { instance: 'x.y-1', user: 'u', kind: 'always_on', workload: 0, generation: 0 }],
  ])('round-trips %s', (_name, labels) => {
    expect(parseLabels(buildLabels(labels))).toEqual(labels);
    expect(parseLabels(buildLabels(labels), labels.instance)).toEqual(labels);
  });

  const good = buildLabels(webapp);
  it.each<[string, Record<string, string> | null | undefined, string | undefined]>([
    ['null map (Docker reports no labels as null)', null, undefined],
    ['unlabelled container', { 'com.example': 'x' }, undefined],
    ['managed=false', { ...good, 'io.pyhost.managed': 'false' }, undefined],
    ['another instance', good, 'prod'],
    ['unknown kind', { ...good, 'io.pyhost.kind': 'database' }, undefined],
    ['missing user', { ...good, 'io.pyhost.user': '' }, undefined],
    ['missing instance', Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'io.pyhost.instance')), undefined],
    ['non-numeric workload', { ...good, 'io.pyhost.workload': 'seven' }, undefined],
    ['a web app without any id', Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'io.pyhost.workload' && k !== 'io.pyhost.webapp')), undefined],
    ['signed generation', { ...good, 'io.pyhost.generation': '+3' }, undefined],
    ['leading-zero workload', { ...good, 'io.pyhost.workload': '07' }, undefined],
    ['webapp without generation', Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'io.pyhost.generation')), undefined],
  ])('returns null for %s', (_name, map, instance) => {
    expect(parseLabels(map, instance)).toBeNull();
  });

  it('reads a web app container made before the workload label (io.pyhost.webapp only)', () => {
    const old = Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'io.pyhost.workload'));
    expect(parseLabels(old, 'dev')).toEqual(webapp);
  });

  it('reads a console container made before the workload label as one of nobody\'s (an orphan)', () => {
    const old = { 'io.pyhost.managed': 'true', 'io.pyhost.instance': 'dev', 'io.pyhost.user': 'bob', 'io.pyhost.kind': 'console' };
    expect(parseLabels(old, 'dev')).toEqual({ ...consoleLabels, workload: null });
  });

  it('ignores the extra attributes Docker mixes into event actors', () => {
    expect(parseLabels({ ...good, name: 'pyhost-dev-7-g3', image: 'pyhost-runtime:latest', exitCode: '137' }, 'dev')).toEqual(webapp);
  });
});

describe('instanceLabelFilter', () => {
  it('selects managed containers of one instance', () => {
    expect(instanceLabelFilter('test-1')).toEqual(['io.pyhost.managed=true', 'io.pyhost.instance=test-1']);
  });
  it('rejects an instance id that could widen the filter', () => {
    expect(() => instanceLabelFilter('a=b')).toThrow();
  });
});
