// Reporting: the admin's sales at a glance, and each person's monthly report email with
// its chart and CSV.

export type { AdminStats } from './stats'
export { adminStats } from './stats'
export type { MonthlyOptions, MonthlyResult, ReportFigures } from './reports'
export { shiftMonth, reportEmail, reportPeriod, sendMonthlyReports } from './reports'
export type { ChartBar } from './chart'
export { CHART_WIDTH, CHART_HEIGHT, chartSvg, indexedPng, chartPng } from './chart'
