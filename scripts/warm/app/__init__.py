from .codec import decode
