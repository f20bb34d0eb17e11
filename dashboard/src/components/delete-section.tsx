import { useState } from 'react';
import { ConfirmDialog } from './confirm-dialog';
import { ErrorMessage } from './error-message';

/** What deleting needs of its mutation (a web app's or a website's). */
export interface DeleteMutation {
  mutate(variables: undefined, callbacks: { onSuccess(): void; onSettled(): void }): void;
  readonly isPending: boolean;
  readonly error: unknown;
}

/** The danger zone of a site's page: Delete, asked again in a dialog. */
export function DeleteSection({ domain, what, remove, onDeleted }: { domain: string; what: string; remove: DeleteMutation; onDeleted(): void }) {
  const [asking, setAsking] = useState(false);
  return (
    <section className="card danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete</h2>
      <p>{what}</p>
      <button type="button" className="danger" onClick={() => setAsking(true)}>Delete {domain}</button>
      <ErrorMessage error={remove.error} />
      {asking ? (
        <ConfirmDialog
          title={`Delete ${domain}?`}
          confirmLabel="Yes, delete it"
          danger
          busy={remove.isPending}
          onCancel={() => setAsking(false)}
          onConfirm={() => remove.mutate(undefined, { onSuccess: onDeleted, onSettled: () => setAsking(false) })}
        >
          <p>The site stops answering at once. This cannot be undone, but your files are kept.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
