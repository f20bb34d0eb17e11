import { useParams } from 'react-router';
import { FileEditor } from '@/features/files/components/file-editor';
import { useWebapps } from '@/features/webapps/api/webapps';
import { SaveAndReload } from '@/features/webapps/components/reload-button';
import { wsgiFilePath } from '@/lib/paths';
import { useViewedAccount } from '@/lib/viewed-account';

/** The editor; for a web app's WSGI file it also offers "Save and reload". */
export function EditRoute() {
  const { username } = useViewedAccount();
  const path = '/' + (useParams()['*'] ?? '');
  const apps = useWebapps(username);
  const app = apps.data?.find((w) => wsgiFilePath(w.domain_name) === path);
  return (
    <FileEditor
      key={`${username}:${path}`}
      username={username}
      path={path}
      renderActions={app ? (save) => <SaveAndReload username={username} domain={app.domain_name} save={save} /> : undefined}
    />
  );
}
