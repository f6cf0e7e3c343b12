// A stand-in for the 7z-wasm package in tests: the real module, except that an extraction to stdout (`x -so`, the
// streamed path) writes 1000 bytes and then fails as SENTINEL_FAKE_7Z says: `exit` (the thread exits), `silent`
// (exits without its exit handlers: nothing tells the scanning thread), `hang` (never returns), else it throws.
'use strict';
const real = require('7z-wasm');

module.exports = async (opts) => {
  const m = await real(opts);
  const callMain = m.callMain;
  m.callMain = (args) => {
    if (!args.includes('-so')) return callMain(args);
    m.FS.write(m.FS.getStream(1), new Uint8Array(1000), 0, 1000);
    const mode = process.env.SENTINEL_FAKE_7Z;
    if (mode === 'exit') process.exit(9);
    if (mode === 'silent') {
      process.removeAllListeners('exit');
      process.exit(9);
    }
    if (mode === 'hang') for (;;);
    throw new Error('fake 7-Zip failure');
  };
  return m;
};
