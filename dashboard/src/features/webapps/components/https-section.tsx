import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { useSsl, useSslMutations } from '../api/ssl';
import type { Webapp } from '../api/types';

const DNS_WORDS = { ok: 'DNS points here', pending: 'waiting for the DNS record', wrong: 'DNS points elsewhere' } as const;

/** HTTPS: the certificate (issuer, names, expiry, last error), a custom domain's DNS record, and your own certificate's upload. */
export function HttpsSection({ username, webapp }: { username: string; webapp: Webapp }) {
  const domain = webapp.domain_name;
  const ssl = useSsl(username, domain);
  const { upload, remove } = useSslMutations(username, domain);
  const [cert, setCert] = useState('');
  const [key, setKey] = useState('');
  const custom = webapp.custom_domain ?? null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    upload.mutate({ cert, private_key: key }, { onSuccess: () => { setCert(''); setKey(''); } });
  };
  return (
    <section className="card" aria-labelledby="https-heading">
      <h2 id="https-heading">HTTPS</h2>
      {custom && webapp.dns_status ? (
        <div className="stack" aria-label="Custom domain">
          <p><strong>{DNS_WORDS[webapp.dns_status]}</strong>: {custom.dns_message}</p>
          {custom.dns_records.length > 0 ? (
            <table>
              <thead><tr><th>Type</th><th>Name</th><th>Value</th></tr></thead>
              <tbody>
                {custom.dns_records.map((r) => <tr key={r.type}><td>{r.type}</td><td>{r.name}</td><td>{r.value}</td></tr>)}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}
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
      {ssl.data?.cert_type === 'manual' ? (
        <button type="button" onClick={() => remove.mutate()} disabled={remove.isPending}>Delete the uploaded certificate</button>
      ) : null}
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
