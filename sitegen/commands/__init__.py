"""Plumbing between the command line and the stages."""
