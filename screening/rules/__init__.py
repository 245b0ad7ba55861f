"""Rules: schema, seed files, loading, versioning and the in-memory RuleSet snapshot."""
