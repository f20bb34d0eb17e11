/** The teachers' usernames for a teacher field's suggestions (a <datalist>). */
export function TeacherOptions({ id, teachers }: { id: string; teachers: string[] }) {
  return <datalist id={id}>{teachers.map((t) => <option key={t} value={t} />)}</datalist>;
}
