"""Reads for the treasury: the earmark arithmetic, program funds, the close, the dashboard."""
