// https://nuxt.com/docs/api/configuration/nuxt-config
import { fileURLToPath } from 'node:url'
import { defineNuxtModule } from 'nuxt/kit'
import { scheduledTasks } from './server/domain/tasks/schedule'

// Nuxt strips `onServerPrefetch` from the client bundle, but Vue counts a component that
// registers it as an async boundary when it numbers `useId()`. Nuxt Icon registers it on
// both sides on purpose, so with it stripped every icon shifts the server's ids and not
// the client's: after hydration `<label for>` no longer names its input (login form,
// admin tabs). Keeping the no-op hook in the client bundle keeps the ids in step.
// Upstream: https://github.com/vuejs/core/issues/12591, https://github.com/nuxt/icon/issues/356
const keepServerPrefetchOnClient = defineNuxtModule({
  meta: { name: 'keep-server-prefetch-on-client' },
  setup(_options, nuxt) {
    const client = nuxt.options.optimization.treeShake.composables.client
    if (client.vue) client.vue = client.vue.filter(name => name !== 'onServerPrefetch')
  },
})

// The icons the browser bundle holds: what can first appear on a click on the pages everyone
// opens (a button's spinner, a toast's close and check, the colour-mode toggle, the search
// suggestions, the account menu, the seat summary). Icons in a page's server render come with
// its CSS; any other icon first shown in the browser is loaded from this server's
// /api/_nuxt_icon. Nuxt UI would add all of its forty-odd icons, and scanning every page all
// the admin pages' icons, to every visitor's first load.
const CLIENT_ICONS = ['loader-circle', 'x', 'check', 'chevron-down', 'chevron-left', 'chevron-right', 'moon', 'sun', 'monitor', 'eye', 'eye-off', 'info', 'triangle-alert', 'circle-x', 'circle-check', 'search', 'map-pin', 'ticket', 'user', 'shield', 'log-out', 'armchair', 'circle-alert', 'scan-line'].map(name => `lucide:${name}`)
const clientIconsOnly = defineNuxtModule({
  meta: { name: 'client-icons-only' },
  setup(_options, nuxt) {
    nuxt.hook('icon:clientBundleIcons', (icons) => {
      for (const icon of [...icons]) if (!CLIENT_ICONS.includes(icon)) icons.delete(icon)
    })
  },
})

/** The public pages are cached for everybody alike (server/utils/page-cache.ts): nuxt-auth asks who is there in the browser. */
const PUBLIC_PAGE = { auth: { disableServerSideAuth: true } }

export default defineNuxtConfig({
  modules: ['@nuxt/ui', '~/modules/tailwind-sources', '@nuxt/eslint', '@sidebase/nuxt-auth', '@vueuse/nuxt', 'nuxt-security', keepServerPrefetchOnClient, clientIconsOnly],
  // A terminal's logs while developing; production prints JSON lines (NUXT_LOG_FORMAT).
  $development: { runtimeConfig: { logFormat: 'pretty' } },
  devtools: { enabled: false },

  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      titleTemplate: '%s · TicketShow',
      meta: [{ name: 'description', content: 'Book cinema and venue tickets: find a show, pick your seats, done.' }],
      link: [{ rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }],
    },
  },
  css: ['~/assets/css/main.css'],

  // Nothing may be fetched from the network at build or run time.
  // The colours the app uses (with neutral, always there): Nuxt UI writes each component's
  // classes for every colour alias, and the unused `secondary` was 4% of the stylesheet.
  ui: { fonts: false, theme: { colors: ['primary', 'success', 'info', 'warning', 'error'] }, experimental: { componentDetection: true } },

  runtimeConfig: {
    dataDir: '.data',
    databaseUrl: '',
    /** SQLite: reader threads for the catalogue's listings; 'auto' is one per core (at most 4), 0 none */
    dbReaders: 'auto',
    authSecret: '',
    adminUsername: 'admin',
    adminPassword: '',
    adminEmail: 'admin@localhost',
    smtpUrl: '',
    mailFrom: 'TicketShow <no-reply@localhost>',
    redisUrl: '',
    /** posters in an S3-compatible bucket instead of the database: NUXT_S3_BUCKET, NUXT_S3_ENDPOINT, … */
    s3: { bucket: '', endpoint: '', region: '', accessKeyId: '', secretAccessKey: '' },
    scheduler: 'on',
    /** the bearer token of POST /api/cron/{task}, the platforms' scheduled ticks; unset: the route refuses every call */
    cronSecret: '',
    /** the bearer token that reads /api/metrics without an admin's login; unset: admins only */
    metricsToken: '',
    /** `json` (one object per line, for log collectors) or `pretty` (for a terminal) */
    logFormat: 'json',
    /** the least severe log lines printed: debug, info, warn or error */
    logLevel: 'info',
    /** days an email that was sent, captured or given up on keeps its body (outbox:prune) */
    outboxRetentionDays: 30,
    /** minutes the seats someone picks are held for them while they choose (PUT /api/screenings/{id}/hold) */
    holdMinutes: 8,
    /** minutes seats offered from a screening's waiting list stay held for the person offered them */
    offerMinutes: 30,
    /** local time (HH:MM, in defaultTimezone) after which reminders:daily sends tomorrow's reminders */
    reminderTime: '18:00',
    defaultTimezone: 'Asia/Kolkata',
    seedDemo: false,
    /** proxies whose X-Forwarded-For is believed: addresses, CIDRs or proxy-addr names (`loopback`), comma-separated */
    trustedProxies: '',
    /** scales the per-client rate limits (0 turns them off, for load tests); the login throttle per username stays */
    rateLimitFactor: 1,
    /** serve the public pages from the cache (server/utils/page-cache.ts); false renders every request (benchmarks) */
    pageCache: true,
    public: {
      siteUrl: 'http://localhost:3000',
      currency: 'INR',
    },
  },
  srcDir: '.',
  // Each checkout builds in its own folder, not in node_modules/.cache (Nuxt 4's default for
  // a build): git worktrees that share one node_modules would overwrite each other's build.
  buildDir: '.nuxt',

  routeRules: {
    // An API answer carries no CSP, so it needs no nonce (only the API docs are a page).
    '/api/**': { headers: { 'Cache-Control': 'no-store' }, security: { nonce: false } },
    '/api/docs': { security: { nonce: true } },
    ...Object.fromEntries(['/', '/shows/**', '/venues/**', '/screenings/**'].map(path => [path, PUBLIC_PAGE])),
    // The door scanner reads the camera; every other page keeps it off (security below).
    '/staff/**': { security: { headers: { permissionsPolicy: { 'camera': ['self'], 'microphone': [], 'geolocation': [], 'display-capture': [] } } } },
  },

  // No app manifest: nothing here is prerendered, and no route rule matters in the browser
  // (they are the server's: caching, auth on the server). Saves the manifest's fetch and its
  // route matcher in every page's first load.
  experimental: {
    appManifest: false,
    // A link's page is fetched when someone points at it or focuses it, not when it scrolls
    // into view: a home page of show cards otherwise loads and runs the show page's code
    // while a phone is still busy hydrating.
    defaults: { nuxtLink: { prefetchOn: { visibility: false, interaction: true } } },
  },
  compatibilityDate: '2026-11-01',

  nitro: {
    experimental: { tasks: true },
    // Built assets in gzip and brotli beside the originals, served as the browser accepts.
    compressPublicAssets: { gzip: true, brotli: true },
    // Cron ticks; each task decides whether its moment has come (server/domain/tasks/).
    // NUXT_SCHEDULER=off makes the ticks no-ops at runtime on that instance.
    scheduledTasks: scheduledTasks(),
  },

  vite: {
    // Every component here, in Nuxt and in its modules is written with <script setup> or
    // setup(): without the Options API, Vue's runtime is some 2 KB (gzipped) lighter.
    vue: { features: { optionsAPI: false } },
    // Terser, two passes, for the browser's code: some 4% smaller than esbuild's output.
    $client: { build: { minify: 'terser', terserOptions: { compress: { passes: 2 }, format: { comments: false } } } },
  },
  typescript: { strict: true },
  telemetry: false,

  hooks: {
    // API errors are answered by server/error.ts (the documented body, domain errors mapped
    // in one place); it runs before Nuxt's own handler, which still renders error pages.
    'nitro:config'(config) {
      config.errorHandler = [fileURLToPath(new URL('./server/error.ts', import.meta.url)), ...[config.errorHandler ?? []].flat()]
    },
    // No <link rel="prefetch"> for every chunk the app might ever import (the admin pages'
    // among them) on every page: on a phone's slow link they took bandwidth from the posters
    // and the page's own code. NuxtLink still prefetches a linked page when the link is seen.
    'build:manifest'(manifest) {
      for (const chunk of Object.values(manifest)) chunk.prefetch = false
    },
  },

  auth: {
    isEnabled: true,
    baseURL: '/api/auth',
    globalAppMiddleware: false,
    provider: {
      type: 'local',
      pages: { login: '/login' },
      endpoints: {
        signIn: { path: '/login', method: 'post' },
        signOut: { path: '/logout', method: 'post' },
        signUp: { path: '/register', method: 'post' },
        getSession: { path: '/session', method: 'get' },
      },
      token: {
        signInResponseTokenPointer: '/token',
        type: 'Bearer',
        cookieName: 'auth.token',
        headerName: 'Authorization',
        maxAgeInSeconds: 7 * 24 * 3600,
        sameSiteAttribute: 'lax',
      },
      session: {
        dataType: { id: 'number', username: 'string', email: 'string', role: '\'user\' | \'staff\' | \'admin\'', approved: 'boolean' },
      },
    },
    sessionRefresh: { enablePeriodically: false, enableOnWindowFocus: true },
  },

  eslint: { config: { stylistic: true } },
  icon: {
    provider: 'server',
    fallbackToApi: false,
    serverBundle: { collections: ['lucide'] },
    clientBundle: { scan: false, icons: CLIENT_ICONS },
  },

  // Security headers by nuxt-security: a strict CSP (a fresh nonce per page, 'strict-dynamic',
  // no inline scripts but nonced ones), no X-Powered-By, framing refused. HSTS is
  // server/plugins/hsts.ts (only over HTTPS). Its limiters and validators stay off: the body
  // limit and the rate limits are TicketShow's own (server/middleware, server/utils).
  security: {
    nonce: true,
    sri: true,
    headers: {
      contentSecurityPolicy: {
        'default-src': ['\'self\''],
        'base-uri': ['\'none\''],
        'object-src': ['\'none\''],
        'frame-ancestors': ['\'none\''],
        'form-action': ['\'self\''],
        'script-src': ['\'self\'', '\'strict-dynamic\'', '\'nonce-{{nonce}}\''],
        'script-src-attr': ['\'none\''],
        'style-src': ['\'self\'', '\'unsafe-inline\''],
        'img-src': ['\'self\'', 'data:', 'blob:'],
        'font-src': ['\'self\'', 'data:'],
        'connect-src': ['\'self\''],
        'frame-src': ['\'self\''],
        'worker-src': ['\'self\''],
        'manifest-src': ['\'self\''],
        // Not set: on a plain-HTTP deployment it would send every request to https.
        'upgrade-insecure-requests': false,
      },
      crossOriginEmbedderPolicy: false,
      referrerPolicy: 'strict-origin-when-cross-origin',
      strictTransportSecurity: false,
      xFrameOptions: 'DENY',
      permissionsPolicy: { 'camera': [], 'microphone': [], 'geolocation': [], 'display-capture': [] },
    },
    hidePoweredBy: true,
    rateLimiter: false,
    requestSizeLimiter: false,
    xssValidator: false,
    corsHandler: false,
    allowedMethodsRestricter: false,
    removeLoggers: false,
  },
})
