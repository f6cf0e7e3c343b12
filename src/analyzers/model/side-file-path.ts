// Side-file references a loader resolves next to the model (ONNX `external_data` locations, safetensors index
// shard names, HDF5 external links): what makes one reach outside the model's folder. Loaders join the reference
// to the model's directory, so an absolute path, a `..` segment, a drive or UNC prefix, a home-directory shorthand
// or a device/special file lets the model read (or, on re-save, write) any file the process can reach.

/** Windows reserved device names (also with an extension: `NUL.txt` is still the device). */
const WINDOWS_DEVICES =
  /^(con|prn|aux|nul|conin\$|conout\$|clock\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\..*)?$/i;
const DEVICE_ROOTS = ['/dev/', '/proc/', '/sys/'];

export interface SideFileProblem {
  /** Stable code: ABSOLUTE, PARENT, DRIVE, UNC, DEVICE, HOME, URL, NUL, EMPTY. */
  readonly code: string;
  readonly reason: string;
}

/** Why `ref` escapes the model's folder, or undefined when it is a plain relative name inside it. */
export function sideFileProblem(ref: string): SideFileProblem | undefined {
  if (ref.length === 0) return { code: 'EMPTY', reason: 'the reference is empty (resolves to the folder itself)' };
  if (ref.includes('\0')) return { code: 'NUL', reason: 'the reference contains a NUL byte (truncates the path)' };
  const slashed = ref.replace(/\\/g, '/');
  if (/^\/\/[.?]\//.test(slashed))
    return { code: 'DEVICE', reason: 'a Win32 device or raw path prefix (\\\\.\\ or \\\\?\\)' };
  if (slashed.startsWith('//')) return { code: 'UNC', reason: 'a UNC network path' };
  if (DEVICE_ROOTS.some((r) => slashed.startsWith(r) || slashed === r.slice(0, -1)))
    return { code: 'DEVICE', reason: `an absolute path to a device or kernel file under /${slashed.split('/')[1]}` };
  if (slashed.startsWith('/')) return { code: 'ABSOLUTE', reason: 'an absolute path' };
  if (/^[a-z]:/i.test(slashed)) return { code: 'DRIVE', reason: 'a Windows drive path' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(slashed)) return { code: 'URL', reason: 'a URL, not a file name' };
  if (slashed === '~' || slashed.startsWith('~/')) return { code: 'HOME', reason: 'a home-directory path' };
  const segments = slashed.split('/');
  if (segments.includes('..')) return { code: 'PARENT', reason: 'a `..` segment climbs out of the model folder' };
  const device = segments.find((s) => WINDOWS_DEVICES.test(s.replace(/[. ]+$/, '')));
  if (device !== undefined) return { code: 'DEVICE', reason: `names the Windows device ${JSON.stringify(device)}` };
  return undefined;
}
