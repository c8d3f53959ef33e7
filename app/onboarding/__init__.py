"""Onboarding customers: companies and their persons, invite links, registration,
e-mail confirmation, and whether a person may open tickets."""
