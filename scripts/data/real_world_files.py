"""Shared by scripts/data/real-world-refusals.py and real-world-loader-oracle.py: where the real-world manifests are and
how one of their git files is read from a mirror (the file is never written out)."""

import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "test", "fixtures", "real-world")
MANIFESTS = ("manifest.json", "sklearn-manifest.json", "public-manifest.json")


def blob(mirror, e):
    """The bytes of manifest entry `e` from its repository's mirror under `mirror`, or None when it is not there."""
    repo = os.path.join(mirror, e["repository"].replace("/", "+"), "repo")
    try:
        return subprocess.run(["git", "-C", repo, "cat-file", "blob", f"{e['commit']}:{e['path']}"],
                              capture_output=True, check=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
