"""Stand-ins for onboarding's services, which the API's staff endpoints use.

When this branch started, main had no onboarding; main now has it
(``app.onboarding.companies``, ``.persons``, ``.invites``, ``.models``). The
functions here keep onboarding's names and signatures, so that at merge the
API's views (``app.api.views.people``, ``app.api.records``) import them from
onboarding instead, and this package and its migration (``0401``) go away:

- ``save_company``                                → ``app.onboarding.companies``
- ``add_person``, ``update_person``, ``set_person_active`` → ``app.onboarding.persons``
- ``create_invite``, ``list_invites``, ``revoke_invite``   → ``app.onboarding.invites``
- ``InterimInvite``, ``InviteState``              → ``InviteLink``, ``InviteState`` of
  ``app.onboarding.models``

What the stand-ins do not do: send the activation e-mail of a new person or the
invite e-mail, nor build the registration link (``invite_url``): those need
onboarding's pages and the mail outbox.
"""
