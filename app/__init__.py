"""ContactBridge: keeps a small business's contacts in sync with Constant Contact."""

__version__ = "0.1.0"
APP_NAME = "ContactBridge"
APP_ORG = "ContactBridge"
