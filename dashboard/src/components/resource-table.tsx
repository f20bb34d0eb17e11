import type { Key, ReactNode } from 'react';

export interface Column<T> {
  header: string;
  cell(row: T): ReactNode;
  className?: string;
}

interface ResourceTableProps<T> {
  /** Names the table for screen readers and for tests that find it by role. */
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey(row: T): Key;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  /** The row's delete button: its visible word, e.g. "Revoke", and its accessible name, which says which row. */
  deleteText: string;
  deleteLabel(row: T): string;
  /** Called with the row whose button was pressed; the caller asks for confirmation. NoInfer: the row type comes from `rows`, not from a setter passed here. */
  onDelete(row: NoInfer<T>): void;
}

/** A list of the user's things, one row each, with a button at the end of each row that deletes it. */
export function ResourceTable<T>({ caption, columns, rows, rowKey, empty, deleteText, deleteLabel, onDelete }: ResourceTableProps<T>) {
  if (rows.length === 0) return <p>{empty}</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => <th key={c.header} scope="col">{c.header}</th>)}
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => <td key={c.header} className={c.className}>{c.cell(row)}</td>)}
              <td className="actions">
                <button type="button" className="danger-link" aria-label={deleteLabel(row)} onClick={() => onDelete(row)}>{deleteText}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
