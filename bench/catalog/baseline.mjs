// The baseline: a bare h3 app answering a fixed JSON body, to compare the real server with.
import { createServer } from 'node:http'
import { createApp, createRouter, defineEventHandler, toNodeListener } from 'h3'

const body = { items: [{ id: 1, name: 'The Last Voyage', tags: ['drama'], rating: 8.1 }], total: 1, page: 1, pageSize: 20 }
const app = createApp()
app.use(createRouter().get('/api/shows', defineEventHandler(() => body)))
const server = createServer(toNodeListener(app)).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
