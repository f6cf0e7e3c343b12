// node:test reporter that names every skipped test and suite (with its reason and file) after the run, so a suite
// skipped for a missing tool (pre-commit, Chromium, git, python3) or missing third-party files is visible, not only
// counted, and then ends the output with the run's count of passed, failed and skipped tests (a skipped suite
// counted once), so the last line of `npm test` says how the run went.
export default async function* skipsReporter(source) {
  const skipped = [];
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    const suite = d.details?.type === 'suite';
    if (d.skip !== undefined && d.skip !== false) {
      skipped.push({ name: d.name, reason: d.skip === true ? '' : String(d.skip), file: d.file ?? '' });
    } else if (event.type === 'test:fail') {
      if (!suite) failed++;
    } else if (!suite && !d.todo) passed++;
  }
  const lines = [`Skipped: ${skipped.length}`];
  for (const s of skipped) {
    lines.push(
      `  - ${s.name}${s.reason ? ` (${s.reason})` : ''}${s.file ? ` [${s.file.replace(process.cwd() + '/', '')}]` : ''}`,
    );
  }
  lines.push(
    `Tests: ${passed} passed, ${failed} failed, ${skipped.length} skipped${skipped.length ? ' (listed above)' : ''}` +
      `${failed ? ' — FAILED' : ''}`,
  );
  yield lines.join('\n') + '\n';
}
