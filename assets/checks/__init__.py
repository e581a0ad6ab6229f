"""Great Expectations suites as code, one per checked table."""
