"""What drijfjacht builds, one module per stage in pipeline order."""
