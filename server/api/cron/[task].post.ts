// A scheduled tick from the platform's scheduler (Netlify, AWS EventBridge via the Lambda
// handler, or anything that can send an authenticated POST): server/utils/cron.ts.
export default cronHandler
