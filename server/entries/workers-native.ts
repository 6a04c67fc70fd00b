// Stands in for the native modules (sharp, @node-rs/argon2, pg-native) in the Cloudflare Workers build
// (modules/platforms.ts), which cannot load a Node addon: the worker builds and starts, and
// whatever needs one fails with this message instead (README, "Cloudflare").
function unavailable(): never {
  throw new Error('This needs a native Node module (sharp or argon2), which Cloudflare Workers cannot load: see the README, "Deploy: Cloudflare"')
}

export default unavailable
export const hash = unavailable
export const verify = unavailable
