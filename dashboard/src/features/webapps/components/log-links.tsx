import { LogLinks as SiteLogLinks } from '@/components/log-links';
import { usePaths } from '@/lib/viewed-account';

export function LogLinks({ domain }: { domain: string }) {
  const paths = usePaths();
  return <SiteLogLinks domain={domain} hrefOf={(kind) => paths.logs(domain, kind)} />;
}
