import { ConsolesOverview } from '@/features/consoles/components/consoles-overview';
import { useViewedAccount } from '@/lib/viewed-account';

export function ConsolesRoute() {
  const { username } = useViewedAccount();
  return <ConsolesOverview key={username} username={username} />;
}
