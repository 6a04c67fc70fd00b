// https://nuxt.com/docs/api/configuration/nuxt-config
export default defineNuxtConfig({
  modules: ['@nuxt/ui', '@nuxt/eslint', '@sidebase/nuxt-auth'],
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
  ui: { fonts: false },

  runtimeConfig: {
    dataDir: '.data',
    databaseUrl: '',
    authSecret: '',
    adminUsername: 'admin',
    adminPassword: '',
    adminEmail: 'admin@localhost',
    smtpUrl: '',
    mailFrom: 'TicketShow <no-reply@localhost>',
    redisUrl: '',
    scheduler: 'on',
    defaultTimezone: 'Asia/Kolkata',
    seedDemo: false,
    public: {
      siteUrl: 'http://localhost:3000',
      currency: 'INR',
    },
  },
  srcDir: '.',

  routeRules: {
    '/**': {
      headers: {
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'strict-origin-when-cross-origin',
        'X-Frame-Options': 'DENY',
        'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
      },
    },
    '/api/**': { headers: { 'Cache-Control': 'no-store' } },
  },
  compatibilityDate: '2026-11-01',

  nitro: {
    experimental: { tasks: true },
  },

  typescript: { strict: true },
  telemetry: false,

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
        dataType: { id: 'number', username: 'string', email: 'string', role: '\'user\' | \'admin\'', approved: 'boolean' },
      },
    },
    sessionRefresh: { enablePeriodically: false, enableOnWindowFocus: true },
  },

  eslint: { config: { stylistic: true } },
  icon: {
    provider: 'server',
    fallbackToApi: false,
    serverBundle: { collections: ['lucide'] },
    clientBundle: { scan: true },
  },
})
