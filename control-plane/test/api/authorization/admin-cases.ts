import type { Case } from './matrix-cases.js';

/** /api/admin/...: accounts, archives and instance settings, for admins. */
export const ADMIN_CASES: Record<string, Case> = {};
