import { buildIfStale } from './build'

// Every API and browser test file starts the same real production server (node-server).
export default async function setup() {
  await buildIfStale('node-server')
}
