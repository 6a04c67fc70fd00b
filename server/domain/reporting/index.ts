// Reporting: the admin's sales at a glance, and each person's monthly report email with
// its chart and CSV.

export { adminStats } from './stats'
export { shiftMonth, reportPeriod, sendMonthlyReports, renderReport } from './reports'
export type { ReportTemplate } from './reports'
