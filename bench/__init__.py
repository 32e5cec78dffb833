"""`make bench`: the hot paths measured on the real stack (run.py), and the hooks it mounts."""
