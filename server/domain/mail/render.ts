/** One block of an email's body; each renders to HTML (styles inlined) and to plain text. */
export type EmailBlock
  = | { type: 'paragraph', text: string }
    | { type: 'button', label: string, url: string }
  /** label/value pairs: a booking's show, time, venue, seats, total */
    | { type: 'details', rows: Array<[string, string]> }
    | { type: 'list', items: string[] }
  /** an image (e.g. `cid:chart`), with a plain-text stand-in */
    | { type: 'image', src: string, alt: string, width: number, height: number }
    | { type: 'heading', text: string }

export interface EmailContent {
  subject: string
  /** the line mail clients show after the subject */
  preheader: string
  heading: string
  blocks: EmailBlock[]
  /** shown in the footer of reminders and reports */
  unsubscribeUrl?: string
}

export interface RenderedEmail {
  subject: string
  html: string
  text: string
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' }

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, ch => escapes[ch]!)
}

const font = 'font-family:-apple-system,BlinkMacSystemFont,\'Segoe UI\',Roboto,Helvetica,Arial,sans-serif'

function blockHtml(block: EmailBlock): string {
  switch (block.type) {
    case 'paragraph':
      return `<p style="margin:0 0 16px;${font};font-size:16px;line-height:24px;color:#1f2937">${escapeHtml(block.text)}</p>`
    case 'heading':
      return `<h2 style="margin:24px 0 8px;${font};font-size:18px;line-height:24px;color:#111827">${escapeHtml(block.text)}</h2>`
    case 'button':
      return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px"><tr><td style="border-radius:6px;background:#4f46e5">`
        + `<a href="${escapeHtml(block.url)}" style="display:inline-block;padding:12px 20px;${font};font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(block.label)}</a>`
        + `</td></tr></table>`
    case 'details':
      return `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="margin:0 0 24px;border-collapse:collapse">`
        + block.rows.map(([label, value]) =>
          `<tr><td style="padding:8px 12px 8px 0;border-bottom:1px solid #e5e7eb;${font};font-size:14px;color:#6b7280;white-space:nowrap;vertical-align:top">${escapeHtml(label)}</td>`
          + `<td style="padding:8px 0;border-bottom:1px solid #e5e7eb;${font};font-size:14px;color:#111827">${escapeHtml(value)}</td></tr>`).join('')
        + `</table>`
    case 'list':
      return `<ul style="margin:0 0 16px;padding-left:20px;${font};font-size:16px;line-height:24px;color:#1f2937">`
        + block.items.map(item => `<li>${escapeHtml(item)}</li>`).join('')
        + `</ul>`
    case 'image':
      return `<p style="margin:0 0 16px"><img src="${escapeHtml(block.src)}" alt="${escapeHtml(block.alt)}" width="${block.width}" height="${block.height}" style="display:block;max-width:100%;height:auto;border:0"></p>`
  }
}

function blockText(block: EmailBlock): string {
  switch (block.type) {
    case 'paragraph': return block.text
    case 'heading': return block.text.toUpperCase()
    case 'button': return `${block.label}: ${block.url}`
    case 'details': return block.rows.map(([label, value]) => `${label}: ${value}`).join('\n')
    case 'list': return block.items.map(item => `- ${item}`).join('\n')
    case 'image': return `[${block.alt}]`
  }
}

/**
 * Renders an email as responsive HTML with every style inlined (mail clients drop
 * stylesheets) and as plain text, from the same blocks so the two never disagree.
 */
export function renderEmail(content: EmailContent, siteUrl: string): RenderedEmail {
  const site = siteUrl.replace(/\/+$/, '')
  const footerHtml = [
    `<a href="${escapeHtml(site)}/" style="color:#6b7280">TicketShow</a> · <a href="${escapeHtml(site)}/bookings" style="color:#6b7280">Your bookings</a> · <a href="${escapeHtml(site)}/account" style="color:#6b7280">Email settings</a>`,
    content.unsubscribeUrl ? `<a href="${escapeHtml(content.unsubscribeUrl)}" style="color:#6b7280">Unsubscribe from reminders and reports</a>` : '',
  ].filter(Boolean).map(line => `<p style="margin:0 0 8px">${line}</p>`).join('')

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light"><title>${escapeHtml(content.subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6">
<div style="display:none;max-height:0;overflow:hidden;opacity:0">${escapeHtml(content.preheader)}</div>
<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="background:#f3f4f6"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="max-width:600px;background:#ffffff;border-radius:8px">
<tr><td style="padding:24px 24px 0;${font};font-size:20px;font-weight:700;color:#4f46e5">TicketShow</td></tr>
<tr><td style="padding:16px 24px 8px">
<h1 style="margin:0 0 16px;${font};font-size:22px;line-height:28px;color:#111827">${escapeHtml(content.heading)}</h1>
${content.blocks.map(blockHtml).join('\n')}
</td></tr>
<tr><td style="padding:16px 24px 24px;border-top:1px solid #e5e7eb;${font};font-size:12px;line-height:18px;color:#6b7280">${footerHtml}</td></tr>
</table>
</td></tr></table>
</body></html>`

  const text = [
    content.heading,
    '',
    ...content.blocks.flatMap(block => [blockText(block), '']),
    '--',
    `TicketShow: ${site}/`,
    `Your bookings: ${site}/bookings`,
    `Email settings: ${site}/account`,
    ...(content.unsubscribeUrl ? [`Unsubscribe from reminders and reports: ${content.unsubscribeUrl}`] : []),
  ].join('\n')

  return { subject: content.subject, html, text }
}
