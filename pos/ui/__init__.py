"""Tablet screens and the kitchen display."""
