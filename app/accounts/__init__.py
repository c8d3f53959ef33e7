"""People and organisations: the owner's profile, customer companies, users."""
