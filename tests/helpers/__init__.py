"""Shared test fakes: the service facade's concerns in memory (``fake_service.FakeService``)."""
