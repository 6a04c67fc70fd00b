// https://nuxt.com/docs/api/configuration/nuxt-config
import { defineNuxtModule } from 'nuxt/kit'
import { scheduledTasks } from './server/domain/schedule'

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

export default defineNuxtConfig({
  modules: ['@nuxt/ui', '@nuxt/eslint', '@sidebase/nuxt-auth', '@vueuse/nuxt', keepServerPrefetchOnClient],
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
    /** local time (HH:MM, in defaultTimezone) after which reminders:daily sends tomorrow's reminders */
    reminderTime: '18:00',
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
    // Cron ticks; each task decides whether its moment has come (server/domain/schedule.ts, tasks.ts).
    // NUXT_SCHEDULER=off makes the ticks no-ops at runtime on that instance.
    scheduledTasks: scheduledTasks(),
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
