"""Importers: turn exports of real estates into scenario files."""
