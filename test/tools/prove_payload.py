#!/usr/bin/python3
"""Proves that a fixture's payload is live: loads ONE file with the real loader named on the command line, the way an
application would, and exits. The fixtures' payloads only print a marker line (SENTINEL-PAYLOAD-REACHED); the caller
runs this in a subprocess with a timeout and looks for the marker on stdout. Used only by tests, only on fixtures this
repository generates (scripts/fixtures/hostile.py), never at scan time.

Usage: prove_payload.py LOADER FILE [MEMBER]
  pickle              pickle.load (gzip-decoded first when FILE ends in .gz)
  zip-member-pickle   pickle.loads of MEMBER read with zipfile
  tar-member-pickle   pickle.load of MEMBER as GNU tar extracts it (tar -xOf FILE MEMBER)
  tarfile-member-pickle  pickle.load of MEMBER read with tarfile.open (compression auto-detected, as by default)
  joblib              joblib.load
  torch               torch.load (torch 1.13 defaults: weights_only=False)
  pandas              pandas.read_pickle
  numpy               numpy.load(allow_pickle=True) (an .npz: every member is read)
Prints 'loaded' after the loader returns; an exception is printed as 'error: ...' (exit status 0 either way).
Exit status 3 when the loader's library is not installed (the test then skips the proof).
"""
import gzip
import io
import pickle
import subprocess
import sys
import tarfile
import zipfile


def main():
    loader, path = sys.argv[1], sys.argv[2]
    member = sys.argv[3] if len(sys.argv) > 3 else None
    try:
        if loader == 'pickle':
            with open(path, 'rb') as f:
                data = f.read()
            if path.endswith('.gz'):
                data = gzip.decompress(data)
            pickle.load(io.BytesIO(data))
        elif loader == 'zip-member-pickle':
            with zipfile.ZipFile(path) as z:
                pickle.loads(z.read(member))
        elif loader == 'tar-member-pickle':
            data = subprocess.run(['tar', '-xOf', path, member], capture_output=True).stdout
            pickle.loads(data)
        elif loader == 'tarfile-member-pickle':
            with tarfile.open(path) as t:
                pickle.load(t.extractfile(member))
        elif loader == 'joblib':
            try:
                import joblib
            except ImportError:
                sys.exit(3)
            joblib.load(path)
        elif loader == 'torch':
            try:
                import torch
            except ImportError:
                sys.exit(3)
            torch.load(path)
        elif loader == 'pandas':
            try:
                import pandas
            except ImportError:
                sys.exit(3)
            pandas.read_pickle(path)
        elif loader == 'numpy':
            try:
                import numpy
            except ImportError:
                sys.exit(3)
            loaded = numpy.load(path, allow_pickle=True)
            if hasattr(loaded, 'files'):
                for name in loaded.files:
                    loaded[name]
        else:
            print('unknown loader', loader)
            sys.exit(2)
        print('loaded', flush=True)
    except SystemExit:
        raise
    except BaseException as e:  # the loaders raise anything; the marker (or its absence) is what counts
        print('error:', type(e).__name__, str(e)[:200], flush=True)


if __name__ == '__main__':
    main()
