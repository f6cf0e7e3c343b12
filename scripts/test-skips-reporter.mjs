// node:test reporter that names every skipped test and suite (with its reason and file) after the run, so a suite
// skipped for a missing tool (pre-commit, Chromium, git, python3) is visible, not only counted.
export default async function* skipsReporter(source) {
  const skipped = [];
  for await (const event of source) {
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      const d = event.data;
      if (d.skip !== undefined && d.skip !== false) {
        skipped.push({ name: d.name, reason: d.skip === true ? '' : String(d.skip), file: d.file ?? '' });
      }
    }
  }
  const lines = [`Skipped: ${skipped.length}`];
  for (const s of skipped) {
    lines.push(
      `  - ${s.name}${s.reason ? ` (${s.reason})` : ''}${s.file ? ` [${s.file.replace(process.cwd() + '/', '')}]` : ''}`,
    );
  }
  yield lines.join('\n') + '\n';
}
