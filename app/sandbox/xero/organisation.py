"""``GET /Organisation``: the tenant's organisation, as the accounting spec's example shows it.

The name, country and short code come from the ``tenants`` table; the rest (version, currency,
time zone...) follows from the country, with fixed values where a sandbox has no real answer.
"""

from __future__ import annotations

from typing import Any

from app.sandbox.xero.calls import Call, Env, envelope
from app.sandbox.xero.errors import Reply, not_found
from app.sandbox.xero.util import ms_date

# Country -> (Version, BaseCurrency, Timezone), each a value of the spec's enums.
_BY_COUNTRY = {
    "NZ": ("NZ", "NZD", "NEWZEALANDSTANDARDTIME"),
    "AU": ("AU", "AUD", "AUSEASTERNSTANDARDTIME"),
    "GB": ("UK", "GBP", "GMTSTANDARDTIME"),
    "US": ("US", "USD", "EASTERNSTANDARDTIME"),
}


def render(row: Any) -> dict[str, Any]:
    """One organisation from a ``tenants`` row (tenant_id, name, country_code, ...)."""
    country = str(row["country_code"] or "")
    version, currency, zone = _BY_COUNTRY.get(country, ("GLOBAL", "", ""))
    org: dict[str, Any] = {
        "Name": row["name"],
        "LegalName": row["name"],
        "PaysTax": True,
        "Version": version,
        "OrganisationType": "COMPANY",
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 3,
        "SalesTaxBasis": "INVOICE",
        "SalesTaxPeriod": "TWOMONTHS",
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Exclusive",
        "CreatedDateUTC": ms_date(row["created_ms"], offset=False),
        "OrganisationEntityType": "COMPANY",
        "ShortCode": row["short_code"],
        # A tenant of type ORGANISATION is the organisation: one id for both.
        "OrganisationID": row["tenant_id"],
        "Edition": "BUSINESS",
        "Class": "STANDARD",
        "Addresses": [],
        "Phones": [],
        "ExternalLinks": [],
        "PaymentTerms": {},
    }
    if country:
        org["CountryCode"] = country
    if currency:
        org["BaseCurrency"] = currency
    if zone:
        org["Timezone"] = zone
    return org


def get_organisation(env: Env, call: Call) -> Reply:
    """``{"Organisations": [one]}``: the organisation of the call's ``xero-tenant-id``."""
    with env.state.tx() as conn:
        row = conn.execute(
            "SELECT tenant_id, name, created_ms, country_code, short_code FROM tenants"
            " WHERE tenant_id = ?",
            (call.tenant_id,),
        ).fetchone()
    if row is None:
        raise not_found()
    return Reply(200, envelope(call.now, Organisations=[render(row)]))
