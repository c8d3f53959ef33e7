"""Stand-ins for the account services the API's staff endpoints need and main does
not have yet: changing and deactivating companies' persons, and invites.

Onboarding (``app/onboarding``) owns these concepts. Everything here is kept
apart on purpose so that, once onboarding's services are on main, the API's
views point to them and this package (and its migration, ``0401``) goes away.
The views reach it only through ``app.api.interim.services``.
"""
