// @ts-check
import withNuxt from './.nuxt/eslint.config.mjs'

export default withNuxt(
  {
    // Migrations are frozen in time and typed against Kysely<any>, as the Kysely docs advise.
    files: ['server/db/migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    rules: { 'vue/max-attributes-per-line': ['warn', { singleline: 4 }] },
  },
)
