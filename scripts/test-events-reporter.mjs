// node:test reporter used by scripts/test-run.mjs: writes each test's and suite's end (pass or fail) as one JSON line,
// with what the summary of scripts/test-skips-reporter.mjs reads, so the runner can sum the processes it started.
export default async function* eventsReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    yield (
      JSON.stringify({
        type: event.type,
        data: {
          name: d.name,
          file: d.file,
          skip: d.skip,
          todo: d.todo,
          details: { type: d.details?.type },
        },
      }) + '\n'
    );
  }
}
