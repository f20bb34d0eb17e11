import { ReloadControl, ReloadResult, useReloadState } from '@/components/reload-result';
import { usePaths } from '@/lib/viewed-account';
import { useWebappAction } from '../api/webapps';

/** A web app's reload and what came of it. */
export function useReload(username: string, domain: string) {
  return useReloadState(useWebappAction(username, domain, 'reload'));
}

/** PythonAnywhere's big green button. */
export function ReloadButton({ username, domain }: { username: string; domain: string }) {
  const paths = usePaths();
  return <ReloadControl domain={domain} state={useReload(username, domain)} errorLogHref={paths.logs(domain, 'error')} />;
}

/** The editor's "Save and reload" for a web app's WSGI file. */
export function SaveAndReload({ username, domain, save }: { username: string; domain: string; save(): Promise<boolean> }) {
  const paths = usePaths();
  const reload = useReload(username, domain);
  return (
    <div className="save-and-reload">
      <button type="button" className="reload-button small" onClick={() => void reload.start(save)} disabled={reload.pending}>
        {reload.pending ? 'Saving and reloading…' : `Save and reload ${domain}`}
      </button>
      <ReloadResult state={reload} errorLogHref={paths.logs(domain, 'error')} />
    </div>
  );
}
