"""Use cases of csrdesk: one function each, one transaction each, plain data in and out."""
