"""The scaffolding every emulator shares: state, server thread, counts, faults and replies.

Each emulator keeps its own routes, schema, headers and error bodies; the kit holds only the
plumbing that does not depend on which service is emulated. It imports nothing from the
emulators (nor from the app's clients: an emulator that shares code with the client it
checks proves nothing).
"""
