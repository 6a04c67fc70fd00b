// One AWS Lambda "instance" for tests/platforms/aws-lambda.test.ts: a process that loads the
// built aws-lambda handler (.output-aws-lambda/server/index.mjs) as the Lambda runtime
// would, with the environment it was given, and calls it with each event the test sends
// over IPC, answering with what the handler returned (or the error it threw).
const { handler } = await import(process.argv[2])
const context = { functionName: 'ticketshow', awsRequestId: 'test', getRemainingTimeInMillis: () => 30_000 }
process.on('message', async ({ id, event }) => {
  try {
    process.send({ id, result: await handler(event, context) })
  }
  catch (err) {
    process.send({ id, error: String(err?.stack ?? err) })
  }
})
process.send({ ready: true })
