"""Crash, concurrency and restore checks against the real server (``make reliability``).

See ``docs/RELIABILITY.md`` for what is tried and the figures; ``__main__`` runs it all.
"""
