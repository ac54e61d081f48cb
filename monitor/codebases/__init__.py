"""Codebases to scan: the registry and the git edge."""
