import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { OwnerRole, Principal } from '../../domain/principal.js';
import type { AuditRow } from '../../store/audit-store.js';
import type { StudentOverview, StudentRows } from '../../store/student-rows.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import type { AuditLog } from './audit-log.js';
import type { LiveConnections } from './live-connections.js';

/** What the teacher still has open on a student's things ends with this (a console shows it). */
const NO_LONGER_TEACHER = 'you are no longer this account\u2019s teacher';

/**
 * Who teaches whom: a student names their teacher or removes them, a
 * teacher lists and removes their students. Whenever a teacher loses a
 * student, whatever they had open on the student's things (a console, a
 * log stream) ends at once; their next request is a 404.
 */
export class Teaching {
  constructor(
    private readonly users: UsersStore,
    private readonly studentRows: StudentRows,
    private readonly live: LiveConnections,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Makes `username` the caller's teacher. An unknown name and an account
   * that is not a teacher get the same answer, so this tells nobody which
   * accounts exist.
   */
  setTeacher(caller: Principal, username: string): UserRow {
    const me = this.account(caller);
    const teacher = this.users.byUsername(username);
    if (teacher?.id === me.id) throw new ValidationError('you cannot be your own teacher', 'username');
    if (!teacher || teacher.is_teacher !== 1 || teacher.disabled_at !== null) {
      throw new ValidationError(`there is no teacher "${username}" here: check the spelling with your teacher (an administrator marks accounts as teachers)`, 'username');
    }
    this.users.update(me.id, { teacherId: teacher.id });
    if (me.teacher_id !== null && me.teacher_id !== teacher.id) this.live.endAccess(me.teacher_id, me.id, NO_LONGER_TEACHER);
    return teacher;
  }

  /** The caller has no teacher any more (having none already is fine). */
  removeTeacher(caller: Principal): void {
    const me = this.account(caller);
    if (me.teacher_id === null) return;
    this.users.update(me.id, { teacherId: null });
    this.live.endAccess(me.teacher_id, me.id, NO_LONGER_TEACHER);
  }

  /** PythonAnywhere's students list: the teacher's students by username. */
  studentsOf(teacher: UserRow): { username: string }[] {
    return this.users
      .studentsOf(teacher.id)
      .filter((s) => s.disabled_reason !== 'deleting')
      .map((s) => ({ username: s.username }));
  }

  /** The teacher's Students page. */
  overview(teacher: Principal): StudentOverview[] {
    return this.studentRows.overview(teacher.userId);
  }

  /**
   * `teacher` lets `studentName` go; `actor` is the teacher themself or an
   * admin (`role`). Written into the student's audit log: they learn why
   * their teacher is gone.
   */
  removeStudent(actor: Principal, role: OwnerRole, teacher: UserRow, studentName: string): void {
    const student = this.users.byUsername(studentName);
    if (!student || student.teacher_id !== teacher.id || student.disabled_reason === 'deleting') {
      throw new NotFoundError(`"${studentName}" is not one of ${role === 'owner' ? 'your' : `${teacher.username}'s`} students`);
    }
    this.users.update(student.id, { teacherId: null });
    this.live.endAccess(teacher.id, student.id, NO_LONGER_TEACHER);
    this.audit.record({
      principal: actor,
      owner: student,
      role: role === 'owner' ? 'teacher' : role,
      method: 'DELETE',
      path: `/api/v0/user/${teacher.username}/students/${student.username}`,
      status: 204,
    });
  }

  /** What others (the caller's teacher, admins) did with the caller's things, newest first. */
  auditOf(caller: Principal, limit: number, before?: number): AuditRow[] {
    return this.audit.entries(this.account(caller), limit, before);
  }

  private account(caller: Principal): UserRow {
    const me = this.users.byId(caller.userId);
    if (!me) throw new NotFoundError('your account is gone');
    return me;
  }
}
