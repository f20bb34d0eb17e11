import { HttpsSection as SiteHttpsSection } from '@/components/https-section';
import { userApi } from '@/lib/api-client';
import type { Webapp } from '../api/types';

/** A web app's HTTPS, through v0's …/webapps/{domain}/ssl/ (the one `pa webapp install-ssl` calls). */
export function HttpsSection({ username, webapp }: { username: string; webapp: Webapp }) {
  return <SiteHttpsSection sslUrl={userApi(username, 'webapps', webapp.domain_name, 'ssl', '')} site={webapp} />;
}
