"""The NeonCRM connector: hosts, the API client, the accounts source, the connector."""
