"""The seeded demo portfolio."""
