import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { useDeleteWebapp } from '../api/webapps';

/** Deleting stops the app and forgets its settings; the user's files stay. */
export function DeleteWebapp({ username, domain, onDeleted }: { username: string; domain: string; onDeleted(): void }) {
  const [asking, setAsking] = useState(false);
  const remove = useDeleteWebapp(username, domain);
  return (
    <section className="card danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete</h2>
      <p>Stops the app and removes its configuration. Your code, WSGI file and logs stay in your files.</p>
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
