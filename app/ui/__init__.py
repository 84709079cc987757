"""The desktop interface: windows, dialogs and table models over the service."""
