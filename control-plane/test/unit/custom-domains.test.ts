import { describe, expect, it } from 'vitest';
import { describeDns, dnsInstructions, isCustomDomain, judgeDns } from '../../src/domain/custom-domains.js';

describe('custom domains', () => {
  it.each([
    ['www.example.org', 'pyhost.school', true],
    ['alice.pyhost.school', 'pyhost.school', false],
    ['api.alice.pyhost.school', 'pyhost.school', false],
    ['pyhost.school', 'pyhost.school', false],
    ['notpyhost.school', 'pyhost.school', true],
  ])('%s under %s is custom: %s', (domain, base, custom) => {
    expect(isCustomDomain(domain, base)).toBe(custom);
  });

  it('asks for a CNAME to the user\'s own name, and an A record where the server\'s address is known', () => {
    expect(dnsInstructions('www.example.org', 'alice', 'pyhost.school', null)).toEqual([{ type: 'CNAME', name: 'www.example.org', value: 'alice.pyhost.school' }]);
    expect(dnsInstructions('www.example.org', 'alice', 'pyhost.school', '203.0.113.7')).toEqual([
      { type: 'CNAME', name: 'www.example.org', value: 'alice.pyhost.school' },
      { type: 'A', name: 'www.example.org', value: '203.0.113.7' },
    ]);
  });

  it('asks for no CNAME at a zone apex', () => {
    expect(dnsInstructions('example.org', 'alice', 'pyhost.school', '203.0.113.7')).toEqual([{ type: 'A', name: 'example.org', value: '203.0.113.7' }]);
    expect(dnsInstructions('example.org', 'alice', 'pyhost.school', null)).toEqual([]);
  });

  const records = dnsInstructions('www.example.org', 'alice', 'pyhost.school', '203.0.113.7');
  it.each([
    [{ cnames: ['alice.pyhost.school.'], addresses: ['203.0.113.7'] }, { status: 'ok', found: null }],
    [{ cnames: ['Alice.Pyhost.School'], addresses: [] }, { status: 'ok', found: null }],
    [{ cnames: [], addresses: ['203.0.113.7'] }, { status: 'ok', found: null }],
    [{ cnames: ['bob.pyhost.school'], addresses: ['203.0.113.7'] }, { status: 'ok', found: null }],
    [{ cnames: ['bob.pyhost.school'], addresses: [] }, { status: 'wrong', found: 'a CNAME record to bob.pyhost.school' }],
    [{ cnames: [], addresses: ['198.51.100.1'] }, { status: 'wrong', found: 'an A record to 198.51.100.1' }],
    [{ cnames: [], addresses: [] }, { status: 'pending', found: null }],
  ])('judges %j as %j', (answer, status) => {
    expect(judgeDns(answer, records)).toEqual(status);
  });

  it('says what to create', () => {
    expect(describeDns('www.example.org', { status: 'pending', found: null }, records)).toBe(
      'www.example.org has no DNS record yet; create CNAME www.example.org → alice.pyhost.school, or A www.example.org → 203.0.113.7 (changes can take a while to spread)',
    );
    expect(describeDns('www.example.org', { status: 'wrong', found: 'an A record to 198.51.100.1' }, records)).toContain('has an A record to 198.51.100.1; change it to CNAME');
  });
});
