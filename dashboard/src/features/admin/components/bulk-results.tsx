import { useState } from 'react';
import type { BulkAccount } from '../api/types';

interface BulkResultsProps {
  accounts: BulkAccount[];
  onPrint(): void;
  onDone(): void;
}

/** Tab-separated, so that it pastes into a spreadsheet as two columns. */
const asTable = (accounts: BulkAccount[]) => ['username\tpassword', ...accounts.map((a) => `${a.username}\t${a.password}`)].join('\n');

/** The accounts just made with their passwords, which the server never shows again. */
export function BulkResults({ accounts, onPrint, onDone }: BulkResultsProps) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard?.writeText(asTable(accounts));
    setCopied(true);
  };
  return (
    <section className="card" aria-labelledby="bulk-results-heading">
      <h2 id="bulk-results-heading">Created {accounts.length} {accounts.length === 1 ? 'account' : 'accounts'}</h2>
      <p className="notice" role="status">
        These passwords are shown only now. Print the login sheet (or copy the list) before you leave this page.
      </p>
      <div className="row wrap toolbar">
        <button type="button" className="primary" onClick={onPrint}>Print login sheet</button>
        <button type="button" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy all'}</button>
        <button type="button" onClick={onDone}>Forget these passwords</button>
      </div>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">New accounts and their passwords</caption>
          <thead>
            <tr><th scope="col">Username</th><th scope="col">Password</th></tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.username}>
                <th scope="row">{a.username}</th>
                <td className="mono">{a.password}{a.generated ? null : <span className="muted"> (from the list)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
