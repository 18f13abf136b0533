"""Fault suites: kill the real program, cut its database, feed it garbage."""
