// How scan roots map to stable names for fingerprints and retest commands (shared by the walker and the rules).

/** A scan root as the user named it. */
export interface ScanTarget {
  /** The path as the user gave it (used in the retest command). */
  readonly arg: string;
  /** Absolute form of the path, for relativising locations. */
  readonly abs: string;
  readonly isDirectory: boolean;
}
