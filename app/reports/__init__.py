"""Interventions logged on tickets, billing rates, and numbered intervention reports.

Staff log interventions (time, travel, materials) on a ticket; the owner sets
the rates, builds a report for a company and a period (or chosen tickets),
issues it (a number per year, its interventions locked) and may cancel it;
the customer company's managers read, download and acknowledge it in the
portal. ``services`` are the only writers; ``pricing`` is pure arithmetic.
"""
