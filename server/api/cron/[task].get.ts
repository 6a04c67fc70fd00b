// Vercel Cron calls its paths with GET (and `Authorization: Bearer $CRON_SECRET`).
export default cronHandler
