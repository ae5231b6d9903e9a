"""Runs the command line: `python -m ckpld`."""

from ckpld.cli import cli

cli()
