import { Page } from '@/components/page';
import { ConsoleList } from './console-list';
import { StartConsoleForm } from './start-console-form';

/** The Consoles tab: start one, see them all. */
export function ConsolesOverview({ username }: { username: string }) {
  return (
    <Page title="Consoles">
      <StartConsoleForm username={username} />
      <ConsoleList username={username} />
    </Page>
  );
}
