import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { formatDate, formatDay } from '@/lib/format';
import { homeOf, pathsFor } from '@/lib/paths';
import { useRemoveStudent, useStudents, type Student } from '../api/students';
import './teaching.css';

function StudentState({ student }: { student: Student }) {
  if (student.disabled) return <span className="badge state-disabled">disabled</span>;
  return <span className="badge state-active">active</span>;
}

/** Where a teacher can go in a student's account; each link says whose. */
function StudentLinks({ student }: { student: Student }) {
  const theirs = pathsFor(student.username);
  const who = student.username;
  return (
    <span className="student-links">
      <Link to={theirs.web} aria-label={`Web tab of ${who}`}>Web tab</Link>
      <Link to={theirs.files(homeOf(who))} aria-label={`Files of ${who}`}>Files</Link>
      <Link to={theirs.consoles} aria-label={`Consoles of ${who}`}>Consoles</Link>
    </span>
  );
}

function WebappLinks({ student }: { student: Student }) {
  if (student.webapps.length === 0) return <span className="muted">none</span>;
  const theirs = pathsFor(student.username);
  return (
    <ul className="plain compact">
      {student.webapps.map((d) => (
        <li key={d}><Link to={theirs.webapp(d)} className="mono">{d}</Link></li>
      ))}
    </ul>
  );
}

function StudentRow({ student, onRemove }: { student: Student; onRemove(): void }) {
  return (
    <tr>
      <th scope="row" data-label="Student" className="mono">{student.username}</th>
      <td data-label="Web apps"><WebappLinks student={student} /></td>
      <td data-label="Consoles" className="num">{student.consoles}</td>
      <td data-label="Last login">{formatDate(student.last_login_at)}</td>
      <td data-label="Account expires">{student.expires_at ? formatDay(student.expires_at) : 'never'}</td>
      <td data-label="State"><StudentState student={student} /></td>
      <td data-label="Open"><StudentLinks student={student} /></td>
      <td className="actions">
        <button type="button" className="danger-link" aria-label={`Remove student ${student.username}`} onClick={onRemove}>Remove</button>
      </td>
    </tr>
  );
}

function StudentTable({ students, onRemove }: { students: Student[]; onRemove(s: Student): void }) {
  return (
    <div className="table-wrap">
      <table className="stacked-table">
        <caption className="visually-hidden">Your students</caption>
        <thead>
          <tr>
            <th scope="col">Student</th><th scope="col">Web apps</th><th scope="col" className="num">Consoles</th><th scope="col">Last login</th>
            <th scope="col">Account expires</th><th scope="col">State</th><th scope="col">Open</th><th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {students.map((s) => <StudentRow key={s.username} student={s} onRemove={() => onRemove(s)} />)}
        </tbody>
      </table>
    </div>
  );
}

/** A teacher's students: what they have, links into their accounts, and letting one go. */
export function StudentsList({ teacher }: { teacher: string }) {
  const students = useStudents();
  const remove = useRemoveStudent(teacher);
  const [removing, setRemoving] = useState<Student | null>(null);
  return (
    <section className="card" aria-labelledby="students-heading">
      <h2 id="students-heading">Your students</h2>
      {students.isPending ? <Spinner label="Loading your students" /> : null}
      <ErrorMessage error={students.error} />
      {students.data?.length === 0 ? (
        <p>No students yet. Make an invite code below and give your class its link: whoever signs up with it becomes your student.</p>
      ) : null}
      {students.data?.length ? <StudentTable students={students.data} onRemove={setRemoving} /> : null}
      <ErrorMessage error={remove.error} />
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing.username} from your students?`}
          confirmLabel="Remove student"
          danger
          busy={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove.mutate(removing.username, { onSettled: () => setRemoving(null) })}
        >
          <p>Their account and files stay as they are; you can no longer open their things, and anything of theirs you have open closes.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
