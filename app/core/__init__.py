"""Pure domain code: no Qt, no I/O, no keyring, no requests."""
