/**
 * nuxt-security gives every `<script>`, `<style>` and `<link>` of a rendered page its nonce
 * (and its integrity hash), by regular expressions run over each section of the document,
 * first masking every quoted string in it. Two parts of a page hold nothing for them:
 * - the app's own markup, some 60 KB on the home page, which holds no such tag (Vue's
 *   templates render none; the head, the payload and the entry scripts are in the other
 *   sections): that pass was a twentieth of a render;
 * - the payload (`<script type="application/json" id="__NUXT_DATA__">`), JSON whose every
 *   string the masking copied out and back: a seventh of a screening page's render, whose
 *   payload carries the hall. It gets its nonce here, on its opening tag alone.
 * Their hooks leave alone what is not a string, and this one runs before them (plugins in
 * server/plugins come first), so both go by as String objects; the document joins them as text.
 */
const DATA_SCRIPT = /(<script\b[^>]*\btype="application\/json"[^>]*>[\s\S]*?<\/script>)/
const asIs = (text: string) => Object(text) as string

export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('render:html', (html, { event }) => {
    html.body = html.body.map(markup => typeof markup === 'string' ? asIs(markup) : markup)
    const nonce = (event.context.security as { nonce?: string } | undefined)?.nonce
    html.bodyAppend = html.bodyAppend.flatMap((chunk) => {
      if (typeof chunk !== 'string') return [chunk]
      // split() with a capturing group: the data scripts are the odd parts.
      return chunk.split(DATA_SCRIPT).map((part, i) => i % 2 === 0
        ? part
        : asIs(nonce ? `<script nonce="${nonce}"${part.slice('<script'.length)}` : part)).filter(part => part !== '')
    })
  })
})
