"""Pure-Python rules of csrdesk: scoring and rating, lifecycles, approval, CAP dates. No Qt, no SQLAlchemy."""
