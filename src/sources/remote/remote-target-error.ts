// The error of a remote target the scan cannot start from (bad URL or reference, refused scheme, a listing the
// server refuses): a usage error of the command, not a finding.

export class RemoteTargetError extends Error {
  override readonly name = 'RemoteTargetError';
}
