import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, encodePath, request, userApi } from '@/lib/api-client';
import { baseName, parentOf, wsgiFilePath } from '@/lib/paths';
import type { Webapp } from './types';
import { createWebapp, getWebapps, updateWebapp, webappsKey } from './webapps';
import { FLASK_HELLO, djangoWsgi, flaskWsgi, isModuleName } from './wsgi-templates';

export type Framework = 'manual' | 'flask' | 'django';

export interface NewSite {
  domain: string;
  pythonVersion: string;
  framework: Framework;
  /** Django: the folder holding manage.py. */
  djangoProject: string;
  /** Django: e.g. mysite.settings. */
  djangoSettings: string;
  /** Flask: the file that defines `app`. */
  flaskFile: string;
}

const fileUrl = (username: string, visible: string) => `${userApi(username, 'files', 'path')}${encodePath(visible)}`;

async function exists(username: string, visible: string): Promise<boolean> {
  try {
    await request(fileUrl(username, visible), { method: 'GET' });
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false;
    throw err;
  }
}

async function writeText(username: string, visible: string, text: string): Promise<void> {
  const form = new FormData();
  form.append('content', new Blob([text], { type: 'text/x-python' }), baseName(visible));
  await api(fileUrl(username, visible), { method: 'POST', body: form });
}

/**
 * Checks first, writes second: nothing is written until the inputs are known
 * good, and an existing app's WSGI file is never overwritten. The WSGI file
 * goes in before the app is created, so the app's first start runs it.
 */
export async function createSite(username: string, site: NewSite, progress: (step: string) => void): Promise<Webapp> {
  const domain = site.domain.trim().toLowerCase();
  progress('Checking…');
  if ((await getWebapps(username)).some((w) => w.domain_name === domain)) {
    throw new ApiError(409, `You already have a web app at ${domain}.`, 'domain_name');
  }
  let codeDir: string | null = null;
  if (site.framework === 'django') {
    codeDir = site.djangoProject.trim().replace(/\/+$/, '');
    if (!(await exists(username, `${codeDir}/manage.py`))) {
      throw new ApiError(400, `There is no manage.py in ${codeDir}. Give the folder that holds your project's manage.py.`, 'djangoProject');
    }
    progress('Writing the WSGI file…');
    await writeText(username, wsgiFilePath(domain), djangoWsgi(domain, codeDir, site.djangoSettings.trim()));
  } else if (site.framework === 'flask') {
    const file = site.flaskFile.trim();
    const module = baseName(file).replace(/\.py$/, '');
    if (!file.endsWith('.py') || !isModuleName(module)) {
      throw new ApiError(400, 'The Flask file must be a .py file whose name Python can import, e.g. flask_app.py.', 'flaskFile');
    }
    codeDir = parentOf(file);
    if (!(await exists(username, file))) {
      progress(`Creating ${file}…`);
      await writeText(username, file, FLASK_HELLO);
    }
    progress('Writing the WSGI file…');
    await writeText(username, wsgiFilePath(domain), flaskWsgi(domain, codeDir, module));
  }
  progress('Creating the web app and starting it…');
  let app = await createWebapp(username, { domain_name: domain, python_version: site.pythonVersion });
  if (codeDir) {
    progress('Pointing it at your code…');
    app = await updateWebapp(username, domain, { source_directory: codeDir, working_directory: codeDir });
  }
  return app;
}

export function useCreateSite(username: string, progress: (step: string) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (site: NewSite) => createSite(username, site, progress),
    onSettled: () => client.invalidateQueries({ queryKey: webappsKey(username) }),
  });
}
