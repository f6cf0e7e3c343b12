// Which audit events of a load the oracle fuzzer (scripts/fuzz-oracle.ts) counts against Sentinel: events carrying a
// string only the program holds (the stream chose the code, path or module), processes, sockets, native calls, file
// mutations, writable or non-library opens, and imports of a new module outside the admitted names' libraries (a
// library importing its own submodule lazily is its business). `args` is the repr of the event's arguments.
import { ORACLE_MARKER } from './program.js';

/** Is this audit event one a load of data must never raise? `admittedRoots`: top-level packages of admitted names. */
export function flaggedEvent(event: string, args: string, admittedRoots: ReadonlySet<string>): boolean {
  if (args.includes(ORACLE_MARKER)) return true;
  // np.load parses the .npy header with ast.literal_eval (a compile of the header text, filename '<unknown>').
  if (event === 'compile' && /^\(b?["']\{'descr': /.test(args) && args.endsWith(", '<unknown>')")) return false;
  // Code the library generates itself (scipy's argument parsers, namedtuple classes) carries no string of the
  // program: counted apart (libraryCode), not a failure. Code that carries one was chosen by the stream.
  if (event === 'exec' || event === 'compile') return false;
  if (event.startsWith('subprocess.') || event.startsWith('socket.') || event.startsWith('ctypes.')) return true;
  if (event === 'import') {
    const m = /^\('([^']+)'/.exec(args);
    return m === null || !admittedRoots.has(m[1]!.split('.')[0]!);
  }
  if (event === 'open') {
    // Library data files read-only are the library's business; writes, and paths the stream chose, are not.
    const mode = /, '([rwxab+tU]+)'/.exec(args)?.[1] ?? 'r';
    return /[wxa+]/.test(mode) || !/(\/usr\/(lib|share)\/|site-packages|dist-packages)/.test(args);
  }
  if (event.startsWith('os.')) {
    return /^os\.(system|exec|spawn|posix_spawn|fork|forkpty|kill|killpg|remove|unlink|rename|rmdir|mkdir|chmod|chown|truncate|putenv|unsetenv|link|symlink|utime|startfile|add_dll_directory)/.test(
      event,
    );
  }
  return event.startsWith('shutil.') || event.startsWith('webbrowser.') || event.startsWith('urllib.');
}
