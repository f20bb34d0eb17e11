import { useEffect, useRef } from 'react';
import type { BulkAccount } from '../api/types';

interface LoginSheetProps {
  accounts: BulkAccount[];
  /** Where the accounts log in, e.g. http://pyhost.example.org/ */
  dashboardUrl: string;
  onBack(): void;
}

/**
 * One card per account, to print and cut out. The print dialog opens when
 * the sheet appears; on paper only the cards show (styles.css, "Login sheet").
 */
export function LoginSheet({ accounts, dashboardUrl, onBack }: LoginSheetProps) {
  // Once per sheet, even where React runs effects twice (StrictMode in development).
  const printed = useRef(false);
  useEffect(() => {
    if (printed.current) return;
    printed.current = true;
    window.print();
  }, []);
  return (
    <section aria-labelledby="sheet-heading">
      <div className="row wrap toolbar no-print">
        <h2 id="sheet-heading" className="grow">Login sheet: {accounts.length} {accounts.length === 1 ? 'account' : 'accounts'}</h2>
        <button type="button" className="primary" onClick={() => window.print()}>Print</button>
        <button type="button" onClick={onBack}>Back to the list</button>
      </div>
      <ul className="login-sheet" aria-label="Login cards">
        {accounts.map((a) => (
          <li key={a.username} className="login-card">
            <p className="login-card-title">Pyhost</p>
            <dl>
              <dt>Go to</dt>
              <dd className="mono">{dashboardUrl}</dd>
              <dt>Username</dt>
              <dd className="mono">{a.username}</dd>
              <dt>Password</dt>
              <dd className="mono">{a.password}</dd>
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}
