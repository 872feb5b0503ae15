"""`curator fix`'s stage: which findings' fixes are safe to apply, and applying them to the catalog files."""
