"""The owner's pages for the Ticket Fields table: fields, lists, preview, history."""
