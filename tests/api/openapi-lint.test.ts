import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// The document the built server serves, linted by the CLIs a consumer of the API would run:
// Redocly's recommended rules and Spectral's spectral:oas (.spectral.yaml). Both must find
// no errors; their findings are printed when they do.

let server: TestServer
// A deployment's address, as in production: the default (http://localhost:3000) is one the
// linters rightly warn about in a published document.
useTestServer(s => ({ server } = s), { env: { NUXT_PUBLIC_SITE_URL: 'https://tickets.ticketshow.test' } })

let dir: string
let file: string
beforeAll(async () => {
  const res = await server.request('GET', '/api/openapi.json')
  expect(res.status).toBe(200)
  dir = mkdtempSync(join(tmpdir(), 'ticketshow-openapi-'))
  file = join(dir, 'openapi.json')
  writeFileSync(file, JSON.stringify(res.body, null, 2))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs a CLI from node_modules/.bin for at most 60 s; its stdout, whatever its exit code. */
function run(bin: string, args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(join(process.cwd(), 'node_modules', '.bin', bin), args, {
      cwd: process.cwd(),
      timeout: 60_000,
      maxBuffer: 32 * 1024 * 1024,
      // Offline: no telemetry, no update check.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_UPDATE_NOTIFIER: '1' },
    }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(new Error(`${bin} did not finish: ${err.message}\n${stderr}`))
      else resolve({ code: err ? (err.code as number) : 0, stdout, stderr })
    })
  })
}

interface Finding { rule: string, severity: string, where: string, message: string }
const report = (findings: Finding[]) => findings.map(f => `${f.severity} ${f.rule} at ${f.where}: ${f.message}`).join('\n')

describe('the OpenAPI document under the linters', () => {
  it('has no errors under @redocly/cli lint (recommended rules)', async () => {
    const { stdout, stderr } = await run('redocly', ['lint', file, '--format=json'])
    let result: { totals: { errors: number, warnings: number }, problems: { ruleId: string, severity: string, message: string, location: { pointer: string }[] }[] }
    try {
      result = JSON.parse(stdout)
    }
    catch {
      throw new Error(`redocly printed no JSON report:\n${stdout}\n${stderr}`)
    }
    const findings = result.problems.map(p => ({ rule: p.ruleId, severity: p.severity, where: p.location[0]?.pointer ?? '', message: p.message }))
    console.info(`redocly: ${result.totals.errors} errors, ${result.totals.warnings} warnings\n${report(findings)}`)
    expect(result.totals.errors, report(findings.filter(f => f.severity === 'error'))).toBe(0)
  })

  it('has no errors under @stoplight/spectral-cli (spectral:oas)', async () => {
    const { stdout, stderr } = await run('spectral', ['lint', file, '--ruleset', join(process.cwd(), '.spectral.yaml'), '--format', 'json', '--quiet'])
    let results: { code: string, severity: number, message: string, path: string[] }[]
    try {
      results = JSON.parse(stdout)
    }
    catch {
      throw new Error(`spectral printed no JSON report:\n${stdout}\n${stderr}`)
    }
    const SEVERITY = ['error', 'warn', 'info', 'hint']
    const findings = results.map(r => ({ rule: r.code, severity: SEVERITY[r.severity] ?? String(r.severity), where: r.path.join('.'), message: r.message }))
    const errors = findings.filter(f => f.severity === 'error')
    console.info(`spectral: ${errors.length} errors, ${findings.filter(f => f.severity === 'warn').length} warnings\n${report(findings)}`)
    expect(errors.length, report(errors)).toBe(0)
  })
})
