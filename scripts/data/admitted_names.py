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


def inputs_digest(history=True):
    """What a derivation over the admitted names read, as the test of derived data checks it
    (test/analyzers/pickle/derived-inputs.test.ts): one line per entry (the pack file, the name, its role: `calls`, or
    torch's stored_references/new_only lists), sorted, and the SHA-256 of the lines joined by newlines. A pack entry
    added, removed or given another role changes it; the reasons' text does not."""
    import hashlib
    files = sorted(glob.glob(os.path.join(ROOT, 'src/rules/data/packs/*.json')))
    if history:
        files += sorted(glob.glob(os.path.join(ROOT, 'src/rules/data/packs/history/*.json')))
    files += [os.path.join(ROOT, 'src/rules/data', f) for f in ('sklearn-allowlist.json', 'torch-allowlist.json')]
    lines = []
    for f in files:
        with open(f) as fh:
            d = json.load(fh)
        rel = os.path.relpath(f, ROOT).replace(os.sep, '/')
        stored, new_only = set(d.get('stored_references', ())), set(d.get('new_only', ()))
        for name, e in d['entries'].items():
            role = e.get('calls', '') if isinstance(e, dict) else ''
            if name in stored:
                role = 'none'
            elif name in new_only:
                role = 'new'
            lines.append(f'{rel}\t{name}\t{role}')
    lines.sort()
    return {'packs': 'installed and history' if history else 'installed', 'entries': len(lines),
            'sha256': hashlib.sha256('\n'.join(lines).encode()).hexdigest()}
