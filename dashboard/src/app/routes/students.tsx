import { Page } from '@/components/page';

/** A teacher's students and invite codes. */
export function StudentsRoute() {
  return (
    <Page title="Students">
      <p>Your students.</p>
    </Page>
  );
}
