import { useEffect, type ReactNode } from 'react';

/** A page with its heading; sets the document title so tabs and history read well. */
export function Page({ title, actions, children }: { title: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const text = typeof title === 'string' ? title : null;
  useEffect(() => {
    if (text) document.title = `${text} · Pyhost`;
  }, [text]);
  return (
    <section className="page">
      <header className="page-header">
        <h1>{title}</h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
