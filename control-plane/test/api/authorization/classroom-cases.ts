import type { Case } from './matrix-cases.js';

/** Teaching: invite codes, teachers and students (PythonAnywhere's students API), the audit log. */
export const CLASSROOM_CASES: Record<string, Case> = {};
