"""Salesforce: the REST and Bulk API client, the source (Contacts, Leads or Person Accounts,
campaigns as lists), and its connector."""

from app.connectors.salesforce.campaigns import Campaign
from app.connectors.salesforce.client import SalesforceClient
from app.connectors.salesforce.endpoints import OrgType, SalesforceUrls, salesforce_urls
from app.connectors.salesforce.objects import ObjectType
from app.connectors.salesforce.settings import (
    AuthMethod,
    ConvertedLeads,
    SalesforceSourceSettings,
)
from app.connectors.salesforce.source import SalesforceSource
from app.connectors.salesforce.wire import ApiUsage

__all__ = [
    "ApiUsage",
    "AuthMethod",
    "Campaign",
    "ConvertedLeads",
    "ObjectType",
    "OrgType",
    "SalesforceClient",
    "SalesforceSource",
    "SalesforceSourceSettings",
    "SalesforceUrls",
    "salesforce_urls",
]
