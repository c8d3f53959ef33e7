"""The staff desk: the queue, the staff ticket page, opening tickets on a customer's
behalf, and the owner's pages for statuses, automatic transitions, routing rules,
the company profile and agents."""
