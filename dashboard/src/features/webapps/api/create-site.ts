import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, isLimitRefusal } from '@/lib/api-client';
import type { Webapp, WebappCreate } from './types';
import { createWebapp, webappsKey } from './webapps';

export type Framework = NonNullable<WebappCreate['framework']>;

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

/** The create request for `site`: only the fields its framework uses. */
function createBody(site: NewSite): WebappCreate {
  const body: WebappCreate = { domain_name: site.domain.trim().toLowerCase(), python_version: site.pythonVersion, framework: site.framework };
  if (site.framework === 'django') return { ...body, django_project: site.djangoProject.trim(), django_settings: site.djangoSettings.trim() };
  if (site.framework === 'flask') return { ...body, flask_file: site.flaskFile.trim() };
  return body;
}

/**
 * One request: the server checks everything, then writes the WSGI file (and
 * a Flask hello world if asked for), creates the app pointed at its code and
 * starts its one container.
 */
export async function createSite(username: string, site: NewSite): Promise<Webapp> {
  try {
    return await createWebapp(username, createBody(site));
  } catch (err) {
    // A create clashes with a domain in use (said next to it), or with the
    // account's limit of web apps (said above Create: no input is at fault).
    if (err instanceof ApiError && err.status === 409 && !err.field && !isLimitRefusal(err)) {
      throw new ApiError(err.status, err.detail, 'domain_name', err.logTail);
    }
    throw err;
  }
}

export function useCreateSite(username: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (site: NewSite) => createSite(username, site),
    onSettled: () => client.invalidateQueries({ queryKey: webappsKey(username) }),
  });
}
