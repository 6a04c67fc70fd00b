/**
 * nuxt-security gives every `<script>`, `<style>` and `<link>` of a rendered page its nonce
 * (and its integrity hash), by regular expressions run over each section of the document:
 * the app's own markup too, some 60 KB on the home page, which holds no such tag (Vue's
 * templates render none; the head, the payload and the entry scripts are in the other
 * sections). That pass over the markup was a twentieth of a render. Its hooks leave alone
 * what is not a string, and this one runs before them (plugins in server/plugins come
 * first), so the markup goes by as a String object; the document joins it as text.
 */
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('render:html', (html) => {
    html.body = html.body.map(markup => typeof markup === 'string' ? Object(markup) as string : markup)
  })
})
