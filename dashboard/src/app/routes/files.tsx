import { Navigate, useParams } from 'react-router';
import { FileBrowser } from '@/features/files/components/file-browser';
import { homeOf } from '@/lib/paths';
import { usePaths, useViewedAccount } from '@/lib/viewed-account';

export function FilesRoute() {
  const { username } = useViewedAccount();
  const paths = usePaths();
  const rest = useParams()['*'] ?? '';
  if (!rest) return <Navigate to={paths.files(homeOf(username))} replace />;
  const dir = '/' + rest.replace(/\/+$/, '');
  return <FileBrowser key={`${username}:${dir}`} username={username} dir={dir} />;
}
