import { describe, expect, it } from 'vitest';
import { buildLabels, instanceLabelFilter, parseLabels, type PyhostLabels } from '../../src/runtime/labels.js';

const webapp: PyhostLabels = { instance: 'dev', user: 'alice', kind: 'webapp', webapp: 7, generation: 3 };
const consoleLabels: PyhostLabels = { instance: 'dev', user: 'bob', kind: 'console', webapp: null, generation: null };

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
        'io.pyhost.webapp': '7',
        'io.pyhost.generation': '3',
      },
    ],
    [
      'console without webapp',
      consoleLabels,
      { 'io.pyhost.managed': 'true', 'io.pyhost.instance': 'dev', 'io.pyhost.user': 'bob', 'io.pyhost.kind': 'console' },
    ],
  ])('%s', (_name, input, expected) => {
    expect(buildLabels(input)).toEqual(expected);
  });

  it.each<[string, PyhostLabels]>([
    ['webapp kind without webapp id', { ...webapp, webapp: null, generation: null }],
    ['webapp without generation', { ...webapp, generation: null }],
    ['negative generation', { ...webapp, generation: -1 }],
    ['fractional webapp id', { ...webapp, webapp: 1.5 }],
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
    ['task tied to a web app', { instance: 'x.y-1', user: 'u', kind: 'task', webapp: 0, generation: 0 }],
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
    ['non-numeric webapp', { ...good, 'io.pyhost.webapp': 'seven' }, undefined],
    ['signed generation', { ...good, 'io.pyhost.generation': '+3' }, undefined],
    ['leading-zero webapp', { ...good, 'io.pyhost.webapp': '07' }, undefined],
    ['webapp without generation', Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'io.pyhost.generation')), undefined],
  ])('returns null for %s', (_name, map, instance) => {
    expect(parseLabels(map, instance)).toBeNull();
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
