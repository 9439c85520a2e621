"""The simulated portal network: the project's test bed (127.0.0.1 only)."""
