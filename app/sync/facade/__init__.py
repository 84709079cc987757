"""The service facade, one module per concern (profiles, connections, runs, lists, reports,
stats).

``api.py`` holds what the GUI and the command line may ask of each concern, as protocols
(``ProfilesApi``, ``ConnectionsApi``, ``RunsApi``, ``ListsApi``, ``ReportsApi``,
``StatsApi``) that the test fakes implement too; ``values.py`` the values they speak. Each
concern's module implements its protocol, and ``app/sync/service.py`` composes them into
``ContactBridgeService``, which the callers reach them through:
``service.profiles.save(profile)``, ``service.runs.sync(id)``, ``service.stats.campaigns()``.
"""
