"""Forms of the cases console (queue filters, case workspace, search, canned replies)."""
