import { z } from 'zod'

// zod, configured once for everything that imports it from here (pages and the shared
// schemas). In the browser zod must not compile its parsers with `new Function`: the pages'
// Content-Security-Policy forbids eval, and even zod's probe for it is reported as a
// violation. The server keeps the compiled parsers.
if (typeof (globalThis as { window?: unknown }).window !== 'undefined') z.config({ jitless: true })

export { z }
