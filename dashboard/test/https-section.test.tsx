import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Webapp } from '@/features/webapps/api/types';
import { HttpsSection } from '@/features/webapps/components/https-section';
import { mockApi, renderPage, sampleWebapp } from './helpers';

const domain = 'www.example.org';
const sslUrl = `/api/v0/user/alice/webapps/${domain}/ssl/`;
const webapp = (over: Record<string, unknown> = {}) => sampleWebapp({ domain_name: domain, ...over }) as unknown as Webapp;
const cert = { cert_type: 'manual', not_after: '2027-03-01T12:00:00.000Z', not_before: '2026-12-01T12:00:00.000Z', issuer_name: 'R11', subject_alternate_names: [domain], domains: [domain], last_error: null };

describe("the web app's HTTPS section", () => {
  it('shows the certificate: kind, issuer, names, expiry', async () => {
    mockApi({ [`GET ${sslUrl}`]: { json: cert } });
    renderPage(<HttpsSection username="alice" webapp={webapp()} />);
    const dl = await screen.findByLabelText('Certificate');
    expect(dl).toHaveTextContent('Your own (uploaded)');
    expect(dl).toHaveTextContent('IssuerR11');
    expect(dl).toHaveTextContent(`Names${domain}`);
    expect(dl).toHaveTextContent('Expires2027-03-01');
  });

  it("shows a custom domain's DNS record to create and its status", async () => {
    mockApi({ [`GET ${sslUrl}`]: { status: 404, json: { error: 'Not Found', detail: 'no certificate' } } });
    const records = [{ type: 'CNAME', name: domain, value: 'alice.pyhost.school' }];
    renderPage(<HttpsSection username="alice" webapp={webapp({ dns_status: 'pending', custom_domain: { dns_message: `${domain} has no DNS record yet; create CNAME ${domain} → alice.pyhost.school`, dns_records: records, dns_checked_at: null } })} />);
    expect(await screen.findByText('No certificate yet.')).toBeInTheDocument();
    const dns = screen.getByLabelText('Custom domain');
    expect(dns).toHaveTextContent('waiting for the DNS record');
    expect(dns).toHaveTextContent(`create CNAME ${domain} → alice.pyhost.school`);
    expect(screen.getByRole('cell', { name: 'alice.pyhost.school' })).toBeInTheDocument();
  });

  it('uploads a certificate and shows the reason a refused one gives', async () => {
    let uploads = 0;
    const { calls } = mockApi({
      [`GET ${sslUrl}`]: () => (uploads > 1 ? { json: cert } : { status: 404, json: { error: 'Not Found', detail: 'none' } }),
      [`POST ${sslUrl}`]: () => (++uploads === 1
        ? { status: 400, json: { error: 'Bad Request', detail: 'the certificate is for shop.example.org, not www.example.org', field: 'cert' } }
        : { json: { status: 'OK' } }),
    });
    renderPage(<HttpsSection username="alice" webapp={webapp()} />);
    await userEvent.type(await screen.findByLabelText(/^Certificate/), 'CERT');
    await userEvent.type(screen.getByLabelText(/^Private key/), 'KEY');
    await userEvent.click(screen.getByRole('button', { name: 'Upload certificate' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Certificate refused: the certificate is for shop.example.org, not www.example.org');
    await userEvent.click(screen.getByRole('button', { name: 'Upload certificate' }));
    await waitFor(() => expect(screen.getByLabelText('Certificate')).toHaveTextContent('IssuerR11'));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ cert: 'CERT', private_key: 'KEY' }, { cert: 'CERT', private_key: 'KEY' }]);
  });
});
