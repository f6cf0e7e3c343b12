"""Every name the committed allowlists admit: the packs (installed and history), scikit-learn's and torch's lists.
Shared by the derivations that collect facts over the admitted names (derive-native-states.py, derive-native-new.py)."""

import glob
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')


def admitted():
    names = set()
    for f in glob.glob(os.path.join(ROOT, 'src/rules/data/packs/*.json')) + glob.glob(
            os.path.join(ROOT, 'src/rules/data/packs/history/*.json')):
        names.update(json.load(open(f))['entries'])
    for f in ('sklearn-allowlist.json', 'torch-allowlist.json'):
        names.update(json.load(open(os.path.join(ROOT, 'src/rules/data', f)))['entries'])
    return sorted(names)
