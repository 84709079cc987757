"""Adapters to the outside world: Constant Contact, CRMs and files. They speak the domain."""
