// Which scanned Python files are test code in the pytest layout (test_*.py, *_test.py, conftest.py, any file under
// a tests/ or test/ directory): DESER findings there are kept, and the policy decides them as tickets by default.

/** True for a `/`-separated path relative to the scan target that pytest would collect or load as test code. */
export function isTestPath(stable: string): boolean {
  const parts = stable.split('/');
  const file = parts[parts.length - 1] ?? '';
  if (file === 'conftest.py' || /^test_.*\.py$/.test(file) || /_test\.py$/.test(file)) return true;
  return parts.slice(0, -1).some((d) => d === 'tests' || d === 'test');
}
