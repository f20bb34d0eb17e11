import { ConsolesOverview } from '@/features/consoles/components/consoles-overview';
import { useCurrentUser } from '../layout';

export function ConsolesRoute() {
  const me = useCurrentUser();
  return <ConsolesOverview username={me.username} />;
}
