"""A local emulator of Xero's Accounting API (contacts, groups, organisation) and identity."""

from app.sandbox.xero.emulator import (
    DEMO_SHORT_CODE,
    DEMO_TENANT_ID,
    DEMO_TENANT_NAME,
    SECOND_TENANT_ID,
    SECOND_TENANT_NAME,
    XeroEmulator,
    serve_forever,
)

__all__ = [
    "DEMO_SHORT_CODE",
    "DEMO_TENANT_ID",
    "DEMO_TENANT_NAME",
    "SECOND_TENANT_ID",
    "SECOND_TENANT_NAME",
    "XeroEmulator",
    "serve_forever",
]
