import { useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api-client';
import type { Webapp, WebappCreate } from '../api/types';
import { useCreateSite, type Framework, type NewSite } from '../api/create-site';
import { DEFAULT_PYTHON_VERSION } from '@/lib/python-versions';

/** The create fields each framework's inputs fill in, beyond the domain. */
const FIELDS_OF: Record<Framework, (keyof WebappCreate)[]> = {
  django: ['django_project', 'django_settings'],
  flask: ['flask_file'],
  manual: [],
};

export type SetSiteField = <K extends keyof NewSite>(key: K, value: NewSite[K]) => void;
export type SiteFieldError = (field: keyof WebappCreate) => string | null;

const newSite = (username: string, baseDomain: string): NewSite => {
  const home = `/home/${username}`;
  return {
    domain: `${username}.${baseDomain}`,
    pythonVersion: DEFAULT_PYTHON_VERSION,
    framework: 'manual',
    djangoProject: `${home}/mysite`,
    djangoSettings: 'mysite.settings',
    flaskFile: `${home}/mysite/flask_app.py`,
  };
};

/**
 * The wizard's draft site and its one create request. The server names the
 * input at fault by its API field; an input on screen for the chosen
 * framework shows the error beside it, any other error shows above Create.
 */
export function useNewSiteForm(username: string, baseDomain: string, onCreated: (app: Webapp) => void) {
  const [site, setSite] = useState<NewSite>(() => newSite(username, baseDomain));
  const create = useCreateSite(username);
  const set: SetSiteField = (key, value) => setSite((s) => ({ ...s, [key]: value }));
  const failed = create.error instanceof ApiError ? create.error : null;
  const onScreen: string[] = ['domain_name', ...FIELDS_OF[site.framework]];
  const inline = failed?.field && onScreen.includes(failed.field) ? failed : null;
  const fieldError: SiteFieldError = (f) => (inline?.field === f ? inline.detail : null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(site, { onSuccess: (app) => onCreated(app) });
  };
  return { site, set, fieldError, generalError: inline ? null : create.error, submit, creating: create.isPending };
}
