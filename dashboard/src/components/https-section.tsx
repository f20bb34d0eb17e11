import { useState, type FormEvent } from 'react';
import type { Website } from '@pyhost/control-plane/api-types';
import { useSsl, useSslMutations } from '@/lib/ssl';
import { ErrorMessage } from './error-message';
import { Spinner } from './spinner';

/** What a web app's and a website's JSON both say of a custom domain (control-plane schemas/ssl.ts CustomDomainFields). */
export type CustomDomainOf = Pick<Website, 'dns_status' | 'custom_domain'>;

const DNS_WORDS = { ok: 'DNS points here', pending: 'waiting for the DNS record', wrong: 'DNS points elsewhere' } as const;

function CustomDomain({ site }: { site: CustomDomainOf }) {
  const custom = site.custom_domain ?? null;
  if (!custom || !site.dns_status) return null;
  return (
    <div className="stack" aria-label="Custom domain">
      <p><strong>{DNS_WORDS[site.dns_status]}</strong>: {custom.dns_message}</p>
      {custom.dns_records.length > 0 ? (
        <table>
          <thead><tr><th>Type</th><th>Name</th><th>Value</th></tr></thead>
          <tbody>
            {custom.dns_records.map((r) => <tr key={r.type}><td>{r.type}</td><td>{r.name}</td><td>{r.value}</td></tr>)}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/**
 * A site's HTTPS (a web app's or a website's, at `sslUrl`, its ssl/
 * endpoint): the certificate (issuer, names, expiry, last error), a custom
 * domain's DNS record, the automatic certificate, and your own one's upload.
 */
export function HttpsSection({ sslUrl, site }: { sslUrl: string; site: CustomDomainOf }) {
  const ssl = useSsl(sslUrl);
  const { upload, automatic, remove } = useSslMutations(sslUrl);
  const [cert, setCert] = useState('');
  const [key, setKey] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    upload.mutate({ cert, private_key: key }, { onSuccess: () => { setCert(''); setKey(''); } });
  };
  return (
    <section className="card" aria-labelledby="https-heading">
      <h2 id="https-heading">HTTPS</h2>
      <CustomDomain site={site} />
      {ssl.isPending ? <Spinner label="Loading the certificate" /> : null}
      <ErrorMessage error={ssl.error} title="Could not load the certificate" />
      {ssl.data === null ? <p>No certificate yet.</p> : null}
      {ssl.data ? (
        <dl aria-label="Certificate">
          <dt>Kind</dt><dd>{ssl.data.cert_type === 'manual' ? 'Your own (uploaded)' : 'Automatic (renewed by Pyhost)'}</dd>
          <dt>Issuer</dt><dd>{ssl.data.issuer_name ?? 'not issued yet'}</dd>
          <dt>Names</dt><dd>{ssl.data.domains.join(', ')}</dd>
          <dt>Expires</dt><dd>{ssl.data.not_after ? new Date(ssl.data.not_after).toISOString().slice(0, 10) : '—'}</dd>
          {ssl.data.last_error ? (<><dt>Last renewal error</dt><dd>{ssl.data.last_error}</dd></>) : null}
        </dl>
      ) : null}
      {ssl.data !== undefined && ssl.data?.cert_type !== 'letsencrypt-auto-renew' ? (
        <div className="row">
          {/* Asking for one removes an uploaded certificate: the API serves one or the other, never both. */}
          <button type="button" onClick={() => automatic.mutate()} disabled={automatic.isPending}>Get an automatic certificate</button>
          {ssl.data?.cert_type === 'manual' ? (
            <button type="button" onClick={() => remove.mutate()} disabled={remove.isPending}>Delete the uploaded certificate</button>
          ) : null}
        </div>
      ) : null}
      <ErrorMessage error={automatic.error} title="Could not get an automatic certificate" />
      <ErrorMessage error={remove.error} title="Could not delete the certificate" />
      <form onSubmit={submit} className="stack" noValidate>
        <label>
          Certificate (PEM: your site&apos;s first, then the intermediates)
          <textarea value={cert} onChange={(e) => setCert(e.target.value)} rows={4} />
        </label>
        <label>
          Private key (PEM, unencrypted)
          <textarea value={key} onChange={(e) => setKey(e.target.value)} rows={4} />
        </label>
        <ErrorMessage error={upload.error} title="Certificate refused" />
        <button type="submit" disabled={upload.isPending || cert === '' || key === ''}>Upload certificate</button>
      </form>
    </section>
  );
}
