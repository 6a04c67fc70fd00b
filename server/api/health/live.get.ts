/**
 * Liveness: 200 whenever this process can answer at all, starting, stopping or with its
 * database gone, so an orchestrator restarts only a process that has hung. It touches
 * neither the database nor Redis.
 */
export default defineEventHandler(() => ({ status: 'ok', uptime: Math.round(process.uptime()) }))
