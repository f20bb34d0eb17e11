import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { WebsitePage } from '@/features/websites/components/website-page';
import { mockApi, renderPage } from './helpers';
import { websiteJson } from './website-fixtures';

const domain = 'www.example.org';
const siteUrl = `/api/v1/user/alice/websites/${domain}/`;
// v1's certificate endpoint is the domain's, not the website's.
const sslUrl = `/api/v1/user/alice/domains/${domain}/ssl/`;
const site = (over: Record<string, unknown> = {}) => websiteJson(domain, over);
const cert = { cert_type: 'manual', not_after: '2027-03-01T12:00:00.000Z', not_before: '2026-12-01T12:00:00.000Z', issuer_name: 'R11', subject_alternate_names: [domain], domains: [domain], last_error: null };
const noCert = { status: 404, json: { error: 'Not Found', detail: 'no certificate' } };
const page = () => renderPage(<WebsitePage username="alice" domain={domain} onDeleted={() => undefined} />);
const https = () => screen.getByRole('region', { name: 'HTTPS' });

describe("a website's HTTPS section", () => {
  it('shows the certificate: kind, issuer, names, expiry, last renewal error', async () => {
    mockApi({ [`GET ${siteUrl}`]: { json: site() }, [`GET ${sslUrl}`]: { json: { ...cert, cert_type: 'letsencrypt-auto-renew', last_error: 'could not reach the certificate authority; it will be tried again' } } });
    page();
    const dl = await screen.findByLabelText('Certificate');
    expect(dl).toHaveTextContent('Automatic (renewed by Pyhost)');
    expect(dl).toHaveTextContent('IssuerR11');
    expect(dl).toHaveTextContent(`Names${domain}`);
    expect(dl).toHaveTextContent('Expires2027-03-01');
    expect(dl).toHaveTextContent('Last renewal errorcould not reach the certificate authority');
    expect(within(https()).queryByRole('button', { name: 'Get an automatic certificate' })).toBeNull();
  });

  it("posts an upload to the domain's v1 ssl/ URL and then shows the new certificate", async () => {
    let uploaded = false;
    const { calls } = mockApi({
      [`GET ${siteUrl}`]: { json: site() },
      [`GET ${sslUrl}`]: () => (uploaded ? { json: cert } : noCert),
      [`POST ${sslUrl}`]: () => {
        uploaded = true;
        return { json: { status: 'OK' } };
      },
    });
    page();
    expect(await screen.findByText('No certificate yet.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/^Certificate/), 'CERT');
    await userEvent.type(screen.getByLabelText(/^Private key/), 'KEY');
    await userEvent.click(screen.getByRole('button', { name: 'Upload certificate' }));
    await waitFor(() => expect(screen.getByLabelText('Certificate')).toHaveTextContent('Your own (uploaded)'));
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body])).toEqual([[sslUrl, { cert: 'CERT', private_key: 'KEY' }]]);
    expect(screen.getByLabelText(/^Private key/)).toHaveValue('');
  });

  it("shows a custom domain's DNS status and the records to create", async () => {
    const records = [
      { type: 'CNAME', name: domain, value: 'alice.pyhost.school' },
      { type: 'A', name: domain, value: '203.0.113.7' },
    ];
    const dns_message = `${domain} has an A record to 198.51.100.1; change it to CNAME ${domain} → alice.pyhost.school, or A ${domain} → 203.0.113.7`;
    mockApi({ [`GET ${siteUrl}`]: { json: site({ dns_status: 'wrong', custom_domain: { dns_message, dns_records: records, dns_checked_at: '2026-12-01T16:10:00.000Z' } }) }, [`GET ${sslUrl}`]: noCert });
    page();
    const dns = await screen.findByLabelText('Custom domain');
    expect(dns).toHaveTextContent(`DNS points elsewhere: ${dns_message}`);
    const rows = within(dns).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(rows).toEqual([['CNAME', domain, 'alice.pyhost.school'], ['A', domain, '203.0.113.7']]);
  });

  it('shows no DNS instructions for a domain under the base domain', async () => {
    mockApi({ [`GET ${siteUrl}`]: { json: site() }, [`GET ${sslUrl}`]: noCert });
    page();
    expect(await screen.findByText('No certificate yet.')).toBeInTheDocument();
    expect(screen.queryByLabelText('Custom domain')).toBeNull();
  });

  it('asks for an automatic certificate, and shows why where the instance has none', async () => {
    const { calls } = mockApi({
      [`GET ${siteUrl}`]: { json: site() },
      [`GET ${sslUrl}`]: { json: cert },
      [`POST ${sslUrl}`]: { status: 400, json: { error: 'Bad Request', detail: 'this instance does not issue certificates automatically (an administrator sets PYHOST_ACME_DIRECTORY and PYHOST_ACME_EMAIL); upload cert and private_key instead', field: 'cert_type' } },
    });
    page();
    await userEvent.click(await screen.findByRole('button', { name: 'Get an automatic certificate' }));
    expect(await within(https()).findByRole('alert')).toHaveTextContent('Could not get an automatic certificate: this instance does not issue certificates automatically');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ cert_type: 'letsencrypt-auto-renew' }]);
  });
});
