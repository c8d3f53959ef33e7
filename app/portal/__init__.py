"""The customer portal: ticket list, new ticket, ticket page, attachments and signed links."""
