import { buildIfStale } from './build'

// tests/platforms: the other presets' builds (each in .output-<preset>), and the
// node-server build that the Netlify scheduled function is run against.
export const PRESETS = ['node-cluster', 'aws-lambda', 'vercel', 'netlify', 'cloudflare-module'] as const

export default async function setup() {
  await buildIfStale('node-server')
  for (const preset of PRESETS) await buildIfStale(preset)
}
