import { act, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebsitePage } from '@/features/websites/components/website-page';
import { BACKGROUND_REFETCH_MS } from '@/lib/ssl';
import { mockApi, renderPage } from './helpers';
import { websiteJson } from './website-fixtures';

// The api finishes some HTTPS work in the background (a custom domain's DNS
// recheck, an automatic certificate's order): an open page shows the result
// without being reloaded.

const domain = 'www.example.org';
const siteUrl = `/api/v1/user/alice/websites/${domain}/`;
const sslUrl = `/api/v1/user/alice/domains/${domain}/ssl/`;
const records = [{ type: 'CNAME', name: domain, value: 'alice.pyhost.school' }];
const site = (dns_status: 'pending' | 'ok') =>
  websiteJson(domain, {
    dns_status,
    custom_domain: { dns_message: dns_status === 'ok' ? `${domain} points here` : `${domain} has no DNS record yet`, dns_records: records, dns_checked_at: null },
  });
const cert = { cert_type: 'letsencrypt-auto-renew', not_after: '2027-03-01T12:00:00.000Z', not_before: '2026-12-01T12:00:00.000Z', issuer_name: 'Pebble Intermediate CA', subject_alternate_names: [domain], domains: [domain], last_error: null };

afterEach(() => {
  vi.useRealTimers();
});

describe('HTTPS work finished in the background', () => {
  it('shows DNS pointing here, then the certificate, on an open page', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let dnsOk = false;
    let issued = false;
    const { calls } = mockApi({
      [`GET ${siteUrl}`]: () => ({ json: site(dnsOk ? 'ok' : 'pending') }),
      [`GET ${sslUrl}`]: () => (issued ? { json: cert } : { status: 404, json: { error: 'Not Found', detail: 'no certificate' } }),
    });
    renderPage(<WebsitePage username="alice" domain={domain} onDeleted={() => undefined} />);
    expect(await screen.findByText('waiting for the DNS record')).toBeInTheDocument();
    expect(await screen.findByText('No certificate yet.')).toBeInTheDocument();

    dnsOk = true;
    await act(() => vi.advanceTimersByTimeAsync(BACKGROUND_REFETCH_MS));
    expect(await screen.findByText('DNS points here')).toBeInTheDocument();

    issued = true;
    await act(() => vi.advanceTimersByTimeAsync(BACKGROUND_REFETCH_MS));
    expect(await screen.findByLabelText('Certificate')).toHaveTextContent('IssuerPebble Intermediate CA');

    // Both settled: the page stops asking.
    const asked = calls.length;
    await act(() => vi.advanceTimersByTimeAsync(3 * BACKGROUND_REFETCH_MS));
    expect(calls.slice(asked).map((c) => c.url)).toEqual([]);
  });
});
