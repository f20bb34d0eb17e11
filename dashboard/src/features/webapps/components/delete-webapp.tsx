import { DeleteSection } from '@/components/delete-section';
import { useDeleteWebapp } from '../api/webapps';

/** Deleting stops the app and forgets its settings; the user's files stay. */
export function DeleteWebapp({ username, domain, onDeleted }: { username: string; domain: string; onDeleted(): void }) {
  const remove = useDeleteWebapp(username, domain);
  return <DeleteSection domain={domain} what="Stops the app and removes its configuration. Your code, WSGI file and logs stay in your files." remove={remove} onDeleted={onDeleted} />;
}
