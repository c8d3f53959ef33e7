"""The schema engine: the Ticket Fields table, its type registry, the gate, forms.

Nothing in this package imports from the web layer (blueprints); the owner's
pages that edit the table live in ``app.fields.admin`` as a blueprint of its own.
"""
