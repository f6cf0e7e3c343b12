import json
import pickle


def decode(blob, trusted=False):
    if trusted:
        return pickle.loads(blob)
    return json.loads(blob)
