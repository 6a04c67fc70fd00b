export default defineAppConfig({
  ui: {
    colors: {
      primary: 'rose',
      neutral: 'zinc',
    },
  },
})
