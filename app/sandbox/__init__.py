"""Emulators of the services ContactBridge talks to, for sandbox mode and tests."""
