import { Navigate, useParams } from 'react-router';
import { FileBrowser } from '@/features/files/components/file-browser';
import { useCurrentUser } from '../layout';

export function FilesRoute() {
  const me = useCurrentUser();
  const rest = useParams()['*'] ?? '';
  if (!rest) return <Navigate to={`/files/home/${me.username}`} replace />;
  const dir = '/' + rest.replace(/\/+$/, '');
  return <FileBrowser key={dir} username={me.username} dir={dir} />;
}
