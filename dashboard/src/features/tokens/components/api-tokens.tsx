import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { ResourceTable, type Column } from '@/components/resource-table';
import { Spinner } from '@/components/spinner';
import { formatDate as when } from '@/lib/format';
import { useCreateToken, useDeleteToken, useTokens, type NewToken, type TokenInfo } from '../api/tokens';

const columns: Column<TokenInfo>[] = [
  { header: 'Name', cell: (t) => t.name },
  { header: 'Created', cell: (t) => when(t.created_at) },
  { header: 'Last used', cell: (t) => when(t.last_used_at) },
];

function CreatedToken({ token }: { token: NewToken }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard?.writeText(token.token);
    setCopied(true);
  };
  return (
    <div className="notice" role="status">
      <p>
        Your new token <strong>{token.name}</strong>. Copy it now: it will not be shown again.
      </p>
      <div className="row">
        <input aria-label="New API token" readOnly value={token.token} className="mono grow" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
    </div>
  );
}

/** Create (shown once), list and revoke API tokens. */
export function ApiTokens({ username }: { username: string }) {
  const tokens = useTokens();
  const create = useCreateToken();
  const remove = useDeleteToken();
  const [name, setName] = useState('');
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(name.trim() || 'API token', { onSuccess: () => setName('') });
  };

  return (
    <section className="card" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p>
        Scripts authenticate with <code>Authorization: Token &lt;token&gt;</code>, e.g.{' '}
        <code>curl -H "Authorization: Token …" {location.origin}/api/v0/user/{username}/webapps/</code>
      </p>
      <form onSubmit={submit} className="row wrap align-end">
        <Field label="Token name" value={name} onChange={(e) => setName(e.target.value)} placeholder="deploy script" maxLength={100} />
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </form>
      <ErrorMessage error={create.error} />
      {create.data ? <CreatedToken token={create.data} /> : null}

      {tokens.isPending ? <Spinner label="Loading tokens" /> : null}
      <ErrorMessage error={tokens.error} />
      {tokens.data ? (
        <ResourceTable
          caption="Your API tokens"
          columns={columns}
          rows={tokens.data}
          rowKey={(t) => t.id}
          empty="No API tokens yet."
          deleteText="Revoke"
          deleteLabel={(t) => `Revoke token ${t.name}`}
          onDelete={setRevoking}
        />
      ) : null}
      <ErrorMessage error={remove.error} />
      {revoking ? (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke token"
          danger
          busy={remove.isPending}
          onCancel={() => setRevoking(null)}
          onConfirm={() => remove.mutate(revoking.id, { onSettled: () => setRevoking(null) })}
        >
          <p>Scripts using this token will stop working at once.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
